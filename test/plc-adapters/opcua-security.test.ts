// OPC UA security against a real node-opcua server on 127.0.0.1: SignAndEncrypt is refused
// while the server's certificate is unknown (with an error saying how to trust it), works once
// the certificate is moved into the trust folder as the error says; username/password checked.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { OpcuaSoftPlcServer } from '../../plc-adapters/opcua/opcua-soft-plc-server.ts';
import { tempPkiFolder } from '../../plc-adapters/opcua/pki.ts';
import { startSoftPlc, type SoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { echoProgram, until } from './opcua-peer.ts';

let plc: SoftPlc;
let clientPki: string;

test.before(async () => {
  clientPki = tempPkiFolder('opcua-client-test');
  const server = new OpcuaSoftPlcServer({ users: { operator: 'secret-1' } });
  plc = await startSoftPlc({ program: echoProgram([{ name: 'r', type: 'real' }]), protocol: 'opcua', server, cycleMs: 10 });
});

test.after(async () => {
  await plc.close();
  rmSync(clientPki, { recursive: true, force: true });
});

const opts = () => ({ endpoint: plc.endpoint, cycleMs: 10, readMode: 'poll' as const, securityMode: 'SignAndEncrypt' as const, securityPolicy: 'Basic256Sha256' as const, certificateFolder: clientPki });

test('an unknown server certificate is refused, saying how to trust it', async () => {
  const a = new OpcuaAdapter(opts());
  try {
    await a.connect();
    assert.unreachable('an untrusted server must be refused');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_CERT_UNTRUSTED'), String(err));
    assert.match((err as Error).message, join(clientPki, 'trusted/certs'));
    assert.match((err as Error).message, join(clientPki, 'rejected'));
  } finally {
    await a.close();
  }
  assert.is(a.state, 'disconnected');
  assert.ok(readdirSync(join(clientPki, 'rejected')).some((f) => f.endsWith('.pem') || f.endsWith('.der')), 'the certificate waits in rejected/');
});

test('SignAndEncrypt works once the certificate is moved to trusted/certs as the error said', async () => {
  const rejected = join(clientPki, 'rejected');
  const trusted = join(clientPki, 'trusted', 'certs');
  mkdirSync(trusted, { recursive: true });
  for (const f of readdirSync(rejected)) renameSync(join(rejected, f), join(trusted, f));
  const a = new OpcuaAdapter(opts());
  try {
    await a.connect();
    const w = await a.prepare([{ address: 'ns=1;s=in.r', type: 'real', direction: 'write' }]);
    const r = await a.prepare([{ address: 'ns=1;s=out.r', type: 'real', direction: 'read' }]);
    await a.write(w, Float64Array.of(42.5));
    const out = new Float64Array(1);
    const q = new Uint8Array(1);
    await until(() => plc.image.outputs[0] === 42.5, 2000, 'the echo');
    await a.read(r, out, q);
    assert.is(out[0], 42.5);
    assert.is(q[0], 0);
  } finally {
    await a.close();
  }
});

test('username/password: the right one is accepted, a wrong one refused', async () => {
  const good = new OpcuaAdapter({ ...opts(), username: 'operator', password: 'secret-1' });
  try {
    await good.connect();
    assert.is(good.state, 'connected');
  } finally {
    await good.close();
  }
  const bad = new OpcuaAdapter({ ...opts(), username: 'operator', password: 'wrong' });
  try {
    await bad.connect();
    assert.unreachable('a wrong password must be refused');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.match((err as Error).message, 'operator');
  } finally {
    await bad.close();
  }
});

test.run();
