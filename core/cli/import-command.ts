// `twinloop import URL`: read a controller's tag list and write a plant file for it.
// OPC UA servers are browsed (variables below the Objects folder, with their DataType and
// access level; continuation points followed, the server's MaxNodesPerBrowse honoured; tags
// named by browse path; security and user options for servers that require them; every skipped
// variable listed with its reason); an ADS target's symbol table is read. The result is a
// starting point: each tag's signal is to be mapped to the line's signals by hand.

import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { TwinloopError } from '../errors.ts';
import { OpcuaAdapter, type OpcuaAdapterOptions } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { plantYaml } from '../../plc-adapters/opcua/opcua-browse.ts';
import { AdsAdapter } from '../../plc-adapters/ads/ads-adapter.ts';

export interface ImportArgs {
  readonly command: 'import';
  readonly url: string;
  readonly out?: string;
  readonly name: string;
  /** OPC UA security and user (the password is read from TWINLOOP_OPCUA_PASSWORD). */
  readonly opcua?: ImportSecurity;
}

export type ImportSecurity = Pick<OpcuaAdapterOptions, 'securityMode' | 'securityPolicy' | 'certificateFolder' | 'serverCertificate' | 'username'>;

async function importOpcua(url: string, name: string, security: ImportSecurity = {}): Promise<string> {
  const password = process.env['TWINLOOP_OPCUA_PASSWORD'];
  const plc = new OpcuaAdapter({ endpoint: url, readOnly: true, readMode: 'poll', ...security, ...(security.username !== undefined && password !== undefined ? { password } : {}) });
  try {
    await plc.connect();
    const result = await plc.browse();
    // The plant file repeats the options the run needs to connect the same way (not the password).
    return plantYaml(name, url, result, { ...security });
  } finally {
    await plc.close();
  }
}

async function importAds(url: string, name: string): Promise<string> {
  const plc = new AdsAdapter({ endpoint: url });
  await plc.connect();
  try {
    const symbols = await plc.listSymbols();
    const tags = symbols.map((s) => ({ signal: s.name.toLowerCase().replace(/^main\./, '').replace(/[^a-z0-9_.]/g, '_'), address: s.name, direction: 'read', type: s.type, plcType: s.plcType }));
    const header = `# Imported from ${url}: ${tags.length} symbols. Set each tag's signal to one of the line's\n# signals and its direction (read = PLC output -> model, write = model sensor -> PLC input).\n`;
    return header + stringify({ name: `${name}-import`, controllers: [{ name, protocol: 'ads', endpoint: url, cycleMs: 10, tags }] });
  } finally {
    await plc.close();
  }
}

const importers: Readonly<Record<string, (url: string, name: string, security?: ImportSecurity) => Promise<string>>> = {
  'opc.tcp:': importOpcua,
  'ads:': importAds,
};

/** Run the import; returns the process exit code. */
export async function importCommand(args: ImportArgs): Promise<number> {
  let protocol: string;
  try {
    protocol = new URL(args.url).protocol;
  } catch {
    throw new TwinloopError('CFG_INVALID', `import: "${args.url}" is not a URL; expected opc.tcp://HOST:PORT or ads://HOST[:TCPPORT]/NETID[:ADSPORT]`);
  }
  const run = importers[protocol];
  if (!run) throw new TwinloopError('CFG_INVALID', `import: unknown scheme ${protocol}; known: ${Object.keys(importers).join(', ')}`);
  const yaml = await run(args.url, args.name, args.opcua);
  if (args.out) {
    writeFileSync(args.out, yaml);
    console.error(`twinloop: wrote ${args.out}`);
  } else process.stdout.write(yaml);
  return 0;
}
