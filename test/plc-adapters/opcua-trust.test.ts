// Trust the other way, and what a run shows about it: a secure-only PLC-like server refuses
// twinloop's certificate until it trusts it. The error says so and names the file to trust;
// a run coupled to that server keeps running, retries, and shows the error in its status
// (GET /api/health returns run.status()) and on the HMI; once the file is trusted it connects.
// A run against a server whose minimum intervals are slower than the cycle reports the revised
// intervals and logs a warning.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { startRun } from '../../core/engine/engine.ts';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { controllerText } from '../../hmi/web/src/controller-status.ts';
import { startPlcLike, type PlcLike } from './opcua-plc-like.ts';
import { until } from './opcua-peer.ts';

const quiet = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'twinloop-trust-'));
let secure: PlcLike;
let clientPki: string;

test.before(async () => {
  secure = await startPlcLike({ secureOnly: true, motors: 2 });
  clientPki = join(dir, 'pki');
  // twinloop trusts the server already; the server does not trust twinloop yet.
  mkdirSync(join(clientPki, 'trusted', 'certs'), { recursive: true });
  copyFileSync(secure.server.certificateFile, join(clientPki, 'trusted', 'certs', 'plc.pem'));
});

test.after(async () => {
  await secure.close();
  rmSync(dir, { recursive: true, force: true });
});

const secureOptions = () => ({ endpoint: secure.endpoint, cycleMs: 10, readMode: 'poll' as const, securityMode: 'SignAndEncrypt' as const, certificateFolder: clientPki, serverCertificate: secure.server.certificateFile, connectTimeoutMs: 4000 });

/** The PLC operator trusts twinloop's certificate: the file the error named, into its certificate manager. */
async function trustOnServer(file: string): Promise<void> {
  const pem = readFileSync(file, 'utf8');
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64');
  await secure.server.serverCertificateManager.trustCertificate(der);
}

function plantText(endpoint: string, opcua: string, cycleMs = 10): string {
  return `name: t
line: ${join(process.cwd(), 'examples/sorting.yaml')}
controllers:
  - name: plc1
    protocol: opcua
    endpoint: ${endpoint}
    cycleMs: ${cycleMs}
    opcua: ${opcua}
    tags:
      - { signal: m1.run, address: ns=1;s=Motor1.Run, direction: read, type: bool }
`;
}

test("a server that refuses twinloop's certificate: the run retries and shows the error naming the file; trusted, it connects", async () => {
  const file = join(dir, 'secure.yaml');
  writeFileSync(file, plantText(secure.endpoint, `{ securityMode: SignAndEncrypt, readMode: poll, certificateFolder: ${clientPki}, serverCertificate: ${secure.server.certificateFile}, connectTimeoutMs: 4000 }`));
  const plant = loadPlantFile(file);
  const run = await startRun({ plant, plantPath: file, logger: quiet, statsLogMs: 0 });
  try {
    await until(() => (run.status().controllers[0]?.lastError ?? '') !== '', 8000, 'the first refusal');
    const c = run.status().controllers[0]!;
    assert.is(c.state, 'disconnected');
    const certFile = join(clientPki, 'own', 'certs', 'client_certificate.pem');
    assert.match(c.lastError!, "the server refused twinloop's certificate");
    assert.match(c.lastError!, certFile);
    const shown = controllerText(c);
    assert.match(shown.text, "plc1 (opcua) disconnected: OPC UA");
    assert.match(shown.title, certFile);
    // The operator trusts the file the error named; the run's next retry connects.
    await trustOnServer(certFile);
    await until(() => run.status().controllers[0]?.state === 'connected', 15_000, 'the reconnect once trusted');
  } finally {
    await run.close();
  }
});

test('the adapter error has its own code and names the certificate file', async () => {
  const fresh = join(dir, 'fresh-pki');
  mkdirSync(join(fresh, 'trusted', 'certs'), { recursive: true });
  copyFileSync(secure.server.certificateFile, join(fresh, 'trusted', 'certs', 'plc.pem'));
  const a = new OpcuaAdapter({ ...secureOptions(), certificateFolder: fresh });
  try {
    await a.connect();
    assert.unreachable('an untrusted client must be refused');
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_CERT_REFUSED'), String(err));
    assert.match((err as Error).message, a.certificateFile);
    assert.ok(readFileSync(a.certificateFile, 'utf8').includes('BEGIN CERTIFICATE'), 'the named file is the certificate');
  } finally {
    await a.close();
  }
});

test('revised intervals slower than the cycle: in the run status and on the HMI, with a warning log', async () => {
  const slow = await startPlcLike({ motors: 1 });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const file = join(dir, 'slow.yaml');
  writeFileSync(file, plantText(slow.endpoint, '{ readMode: subscription }'));
  const run = await startRun({ plant: loadPlantFile(file), plantPath: file, logger: pino({ level: 'warn' }, sink), statsLogMs: 0 });
  try {
    await until(() => run.status().controllers[0]?.state === 'connected', 8000, 'the connection');
    const c = run.status().controllers[0]!;
    assert.is(c.revisedPublishingMs, 100);
    assert.is(c.revisedSamplingMs, 100);
    assert.is(c.readMode, 'subscription');
    assert.is(c.lastError, '');
    assert.match(controllerText(c).text, 'server 100 ms > cycle 10 ms');
    assert.ok(lines.some((l) => l.includes('slower than the cycle') && l.includes('"revisedPublishingMs":100')), lines.join(''));
  } finally {
    await run.close();
  }
  const autoFile = join(dir, 'auto.yaml');
  writeFileSync(autoFile, plantText(slow.endpoint, '{ readMode: auto }'));
  const auto = await startRun({ plant: loadPlantFile(autoFile), plantPath: autoFile, logger: quiet, statsLogMs: 0 });
  try {
    await until(() => auto.status().controllers[0]?.state === 'connected', 8000, 'the connection');
    const c = auto.status().controllers[0]!;
    assert.is(c.readMode, 'poll', 'auto fell back to polling');
    assert.match(controllerText(c).text, 'polled');
  } finally {
    await auto.close();
    await slow.close();
  }
});

test.run();
