// Security of the twin's OPC UA server: SignAndEncrypt with Basic256Sha256 and both Aes policies
// by default; SecurityPolicy None and anonymous sessions refused unless enabled; a wrong password
// refused; with None and anonymous enabled, an anonymous session reads but cannot write.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttributeIds, DataType, MessageSecurityMode, SecurityPolicy, StatusCodes, UserTokenType } from 'node-opcua';
import type { RunControl } from '../../core/engine/run-control.ts';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { opcuaServerSettings, takeOpcuaServerArgs } from '../../core/integration/opcua-server/settings.ts';
import { TwinOpcuaServer } from '../../core/integration/opcua-server/twin-server.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { openRun, setupOnce } from '../hmi/run-under-test.ts';
import { openRig, USERS, waitFor, type Rig } from './opcua-server-fixtures.ts';

let run: RunControl;
let strict: Rig;
let open: Rig;

setupOnce(test, async () => {
  run = (await openRun()).run;
  strict = await openRig(run);
  open = await openRig(run, { allowNone: true, allowAnonymous: true });
});

test.after(async () => {
  await strict?.close();
  await open?.close();
  await run?.close();
});

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

test('default endpoints: SignAndEncrypt only, Basic256Sha256 and the two Aes policies, no anonymous token', async () => {
  const client = await strict.client();
  const endpoints = await client.getEndpoints();
  // The restricted None endpoint is for discovery only: it offers no user token at all.
  const sessionable = endpoints.filter((e) => (e.userIdentityTokens ?? []).length > 0);
  assert.ok(sessionable.every((e) => e.securityMode === MessageSecurityMode.SignAndEncrypt), 'only SignAndEncrypt offers sessions');
  const policies = sessionable.map((e) => (e.securityPolicyUri ?? '').split('#')[1]).sort();
  assert.equal(policies, ['Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss', 'Basic256Sha256']);
  for (const e of sessionable) assert.not.ok(e.userIdentityTokens!.some((t) => t.tokenType === UserTokenType.Anonymous), 'no anonymous token');
});

test('sessions over the Aes policies work', async () => {
  for (const policy of [SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss]) {
    const s = await strict.session(USERS.viewer, { policy });
    const dv = await s.read({ nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value });
    assert.is(dv.value.value, 'virtual', `read over ${policy}`);
  }
});

test('None refused unless enabled; anonymous refused unless enabled; a wrong password refused', async () => {
  await refused(strict.session(USERS.engineer, { none: true }));
  await refused(strict.session(null));
  await refused(strict.session(USERS.engineer, { password: 'not the password' }));
  await refused(strict.session('nobody'));
});

test('enabled: None and anonymous sessions read; anonymous cannot write', async () => {
  const anon = await open.session(null, { none: true });
  const dv = await anon.read({ nodeId: 'ns=1;s=Run.State', attributeId: AttributeIds.Value });
  assert.is(dv.value.value, 'running');
  const w = await anon.write({ nodeId: 'ns=1;s=m1.run', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Boolean, value: false } } });
  assert.is(w.name, StatusCodes.BadUserAccessDenied.name);
  const eng = await open.session(USERS.engineer, { none: true });
  assert.is((await eng.read({ nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value })).value.value, 'virtual');
});

test('an unknown client certificate is refused until it is moved to trusted/ (no restart)', async () => {
  const guarded = await openRig(run, { acceptUnknownClients: false });
  try {
    await refused(guarded.session(USERS.viewer));
    const pki = join(guarded.dir, 'opcua-server', 'pki', 'server');
    const rejected = await waitFor(() => {
      const files = existsSync(join(pki, 'rejected')) ? readdirSync(join(pki, 'rejected')).filter((f) => f.endsWith('.pem')) : [];
      return files.length > 0 ? files : undefined;
    }, 5000, 'the client certificate in rejected/');
    for (const f of rejected) renameSync(join(pki, 'rejected', f), join(pki, 'trusted', 'certs', f));
    // The server's certificate manager watches the folder: retry until it has seen the move.
    const s = await waitFor(async () => guarded.session(USERS.viewer).catch(() => undefined), 15_000, 'a session once trusted');
    assert.is((await s.read({ nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value })).value.value, 'virtual');
  } finally {
    await guarded.close();
  }
});

test('a port that is taken: OPCUA_SERVER_START, and nothing is left listening', async () => {
  const port = new URL(strict.server.endpoint.replace('opc.tcp:', 'http:')).port;
  const settings = opcuaServerSettings({ port }, { pki: join(strict.dir, 'second-pki') }, strict.dir)!;
  const second = new TwinOpcuaServer({ run, settings, users: strict.users, audit: strict.audit });
  let code = '';
  await second.start().catch((err: unknown) => (code = (err as { code?: string }).code ?? ''));
  assert.is(code, 'OPCUA_SERVER_START');
  await second.close();
  // The first server still serves.
  const s = await strict.session(USERS.viewer);
  assert.is((await s.read({ nodeId: 'ns=1;s=Run.Mode', attributeId: AttributeIds.Value })).value.value, 'virtual');
});

test('settings: a bad port or range names its path; allow-none alone is refused', () => {
  const issue = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      assert.instance(err, ConfigError);
      return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    }
    throw new Error('expected a ConfigError');
  };
  assert.match(issue(() => opcuaServerSettings({ port: '99999' }, undefined, '/tmp')), 'opcuaServer.port: must be an integer from 0 to 65535');
  assert.match(issue(() => opcuaServerSettings({}, { port: 4841, ranges: { 'm1.speed': [5, 1] } }, '/tmp', 'plant.yaml')), 'opcuaServer.ranges.m1.speed: must be [low, high] with low < high');
  assert.match(issue(() => opcuaServerSettings({ allowNone: true }, undefined, '/tmp')), '--opcua-server-allow-none needs --opcua-server PORT');
  assert.is(opcuaServerSettings({}, undefined, '/tmp'), undefined);
  const argv = ['node', 'main.ts', 'start', '--opcua-server', '4841', '--port', '0', '--opcua-server-allow-none'];
  assert.equal(takeOpcuaServerArgs(argv), { port: '4841', allowNone: true });
  assert.equal(argv, ['node', 'main.ts', 'start', '--port', '0'], 'taken out of argv before the shared parser');
  // The plant file's block is checked by the schema, naming the path and the line.
  const plantText = `line: sorting.yaml
controllers:
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4840
    tags:
      - { signal: m1.run, address: ns=1;s=m1.run, direction: write, type: bool }
opcuaServer:
  port: forty
`;
  const plantIssues = issue(() => parsePlantFile('plant.yaml', plantText));
  assert.match(plantIssues, /opcuaServer\.port/);
  const ok = parsePlantFile('plant.yaml', plantText.replace('port: forty', 'port: 4841\n  allowNone: true\n  ranges: { m1.speed: [0, 60] }'));
  assert.equal(ok.opcuaServer, { port: 4841, allowNone: true, ranges: { 'm1.speed': [0, 60] } });
  const s = opcuaServerSettings({ port: '4841' }, undefined, '/data')!;
  assert.equal([s.host, s.port, s.allowNone, s.allowAnonymous, s.pkiFolder], ['127.0.0.1', 4841, false, false, '/data/opcua-server/pki']);
});

test.run();
