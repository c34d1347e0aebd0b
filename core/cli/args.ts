// Command-line parsing for `twinloop`: node's own parseArgs, with the closed list of
// commands and options so a typo fails loudly with the usage text.

import { parseArgs } from 'node:util';
import type { Pace } from '../engine/run-control.ts';
import { isRole, ROLES } from '../auth/roles.ts';
import type { UserArgs } from './user-command.ts';
import type { AuditArgs } from './audit-command.ts';
import type { ImportArgs } from './import-command.ts';


export const USAGE = `twinloop — PLCs coupled to a physics model of their line

usage:
  twinloop start [--line FILE] [--plant FILE] [--program P] [--host ADDR] [--port N] [--pace 1|10|fast|<factor>] [--paused] [--no-record]
                 [--pacing precise|economy] [--publish-ms MS] [--frame-hz N]
                 [--sparkplug URL --group G --node N [--host-id H]]
                 [--opcua-server PORT [--opcua-server-allow-none]]
                 [--metrics-token-file FILE | --metrics-public] [--trust-proxy ADDRS]
  twinloop validate FILE...
  twinloop check FILE|DIR... [--emit]
  twinloop test FILE|DIR... [--program P] [--threads N | --serial] [--out DIR] [--queue URL]
  twinloop sweep [FILE] [--param PATH=V1,V2,...]... [--minutes M] [--out DIR] [--queue URL]
  twinloop plan FILE [--rule edd,spt,family,fifo,fixed] [--seeds N] [--threads N | --serial] [--out DIR]
  twinloop worker --queue redis://HOST:PORT [--threads N]
  twinloop plant --broker mqtt://HOST:PORT [--group G] [--port N]
  twinloop compare BASELINE_DIR CANDIDATE_DIR
  twinloop export-csv RECORDING [--from S] [--to S] [--signals A,B] [--out FILE]
  twinloop history check RECORDING|FILE.csv [--plant P] [--line L] [--out DIR]
  twinloop model validate --plant P --history H [--line L] [--from S] [--to S] [--thresholds FILE] [--out DIR]
  twinloop model calibrate --line L --plant P --history H --fit FILE [--train S..S --holdout S..S] [--out DIR] [--threads N | --serial]
  twinloop model sign-off --line L --plant P [--overlay O] --report R.json [--data DIR]
  twinloop model status --line L --plant P [--overlay O] [--data DIR]
  twinloop import opc.tcp://HOST:PORT | ads://HOST/NETID[:PORT] [--out FILE] [--name NAME]
                  [--security-mode None|Sign|SignAndEncrypt] [--security-policy P] [--certificate-folder DIR]
                  [--server-certificate FILE] [--user NAME]  (OPC UA; password from TWINLOOP_OPCUA_PASSWORD)
  twinloop user add NAME --role viewer|operator|engineer|admin [--data DIR]
  twinloop user list|passwd NAME|role NAME R|remove NAME [--data DIR]
  twinloop audit verify [--data DIR]

commands:
  start      run the line with the built-in controller and serve the HMI
             (default line: examples/sorting.yaml, http://127.0.0.1:8080)
  validate   check line files and plant files against their published schemas (each named as
             what it is); exit 1 on any error
  check      compile Structured Text (.st, PLCopen XML, TwinCAT files) without running it;
             errors as file:line:col; exit 1 on any error (--emit prints the generated code)
  test       run scenario files and ST unit tests (*.test.st); JUnit XML + HTML reports; exit 1 on failure
  sweep      what-if grid over line parameters: throughput, energy, rejects, wear per point
  plan       production what-if: an order book through the line's stations under sequencing rules;
             makespan, lateness, OEE, changeovers, operators; Gantt HTML + JSON (docs/planning.md)
  worker     take sweep points and scenarios from a Redis job queue (sweep|test --queue URL)
  plant      plant overview: every line's Sparkplug edge node on one page (state, KPIs, alarms)
             and run them in this machine's pool
  compare    KPI differences and first divergence of each signal between two result folders
  export-csv a time range of a recording (<data>/recordings) as CSV
  history    check: is a recording or historian CSV fit for the model? rate, jitter, gaps, flat-lined,
             stale, bad quality, out of range, outliers, clock steps per tag; HTML + JSON; exit 1 if a needed tag is unfit
  model      validate: replay the history's PLC outputs through the model, compare its sensors with the
             measured ones (RMSE, CV(RMSE), NMBE, edges, rates, cycle times); HTML, JSON, JUnit; exit 1 on fail
             calibrate: fit line parameters (fit file) to history; overlay + before/after report
             sign-off: an engineer signs off the model version (hash of line, plant, overlay, report; audited);
             until then a shadow run's deviations are advisories. status: the version and its sign-off
  import     read a controller's tags (OPC UA browse, ADS symbol table) into a plant file
  user       manage HMI users (password from the terminal, or the first line of stdin);
             a changed password or role, or a removal, ends the user's sessions at once
  audit      verify: check the whole audit log (hash chain and signed head) offline;
             exit 1 naming the first bad record

options:
  --line FILE      line file (YAML)
  --plant FILE     plant file: controllers and tag map (starts the soft PLC it names)
  --program P      controller program: an ST file, several joined by commas, or a folder (also
                   PLCopen XML, TwinCAT .TcPOU/.TcGVL/.TcDUT); a built-in name (sorting, ...);
                   or none (no controller). Default: the line file's program, else none
  --host ADDR      address to listen on (default 127.0.0.1; the HMI can write to PLCs)
  --port N         HTTP port (default 8080; 0 = any free port)
  --pace P         1 = real time, 10 = ten times faster, fast = as fast as possible
  --paused         start paused
  --pacing P       how the physics clock waits: precise (default; wakes every ms and spins
                   before each deadline: lateness ~10 µs, ~30 % of a core even when idle) or
                   economy (wakes every 5 ms, no spin: the model steps in 5 ms bursts, a few %
                   of a core; for long-running installations)
  --publish-ms MS  publish the signal table every MS ms of model time (default: every step for
                   small lines, less often for large ones, at most every controller cycle)
  --frame-hz N     most HMI frames a second to each client (1..240, default 60): frames leave
                   as soon as a PLC value is in the table; model changes are looked for at N/2
  --no-record      do not record the run into <data>/recordings
  --sparkplug URL  also run an MQTT Sparkplug B edge node (with --group G --node N [--host-id H];
                   e.g. mqtt://127.0.0.1:1883; the plant file's sparkplug: block gives the rest)
  --opcua-server PORT
                   also serve the twin over OPC UA (opc.tcp://127.0.0.1:PORT; SignAndEncrypt, twinloop's
                   users; the plant file's opcuaServer: block gives the rest; docs/integration.md)
  --opcua-server-allow-none
                   also offer SecurityPolicy None (unsigned, unencrypted: only on a closed network)
  --metrics-token-file FILE
                   GET /metrics also answers a scraper that sends this file's token (first line,
                   32+ characters) as "Authorization: Bearer"; without it, only a viewer session
  --trust-proxy ADDRS
                   behind a reverse proxy: the proxy's addresses or CIDR ranges, comma separated,
                   whose X-Forwarded-For/-Proto are believed (login backoff, audit "from"); default
                   none: the TCP peer is the client
  --metrics-public GET /metrics answers anyone (it shows the plant's state: only on a closed network)
  --data DIR       data folder: users, secret, audit log, alarm journal, recordings (default ./data)
  --tls-cert FILE  serve HTTPS with this PEM certificate (with --tls-key)
  --tls-key FILE   the certificate's PEM private key
  --role R         role of a new user
  --log-level L    pino level (default info)
  -h, --help       this text
`;

/**
 * One command's help, cut from USAGE: its usage lines, what it does, and for `start` the options
 * (the other commands' options are few and shown in their usage line). Undefined for a word that
 * is not a command.
 */
export function commandHelp(command: string): string | undefined {
  const lines = USAGE.split('\n');
  const section = (name: string): string[] => {
    const from = lines.indexOf(`${name}:`);
    const rest = lines.slice(from + 1);
    const end = rest.findIndex((l) => l.trim() === '');
    return end < 0 ? rest : rest.slice(0, end);
  };
  const usage: string[] = [];
  let mine = false;
  for (const l of section('usage')) {
    if (/^  twinloop /.test(l)) mine = l.startsWith(`  twinloop ${command} `) || l === `  twinloop ${command}`;
    if (mine) usage.push(l);
  }
  if (usage.length === 0) return undefined;
  const what: string[] = [];
  mine = false;
  for (const l of section('commands')) {
    if (/^  \S/.test(l)) mine = l.startsWith(`  ${command} `);
    if (mine) what.push(l);
  }
  const options = command === 'start' ? ['', 'options:', ...section('options')] : ['', 'twinloop --help lists every command and option.'];
  return ['usage:', ...usage, '', ...what.map((l, k) => (k === 0 ? l.replace(/^  \S+\s+/, '  ') : `  ${l.trim()}`)), ...options].join('\n');
}

export interface StartArgs {
  readonly command: 'start';
  /** Absent with a plant file that names its line. */
  readonly line?: string;
  readonly plant?: string;
  readonly program?: string;
  readonly host: string;
  readonly port: number;
  readonly pace: Pace;
  readonly paused: boolean;
  /** How the physics clock waits (core/engine/pacing.ts); absent: precise. */
  readonly pacing?: 'precise' | 'economy';
  /** Model ms between publishes of the signal table; absent: the engine's default. */
  readonly publishMs?: number;
  /** The HMI's rate cap, frames a second per client; absent: the server's default (60). */
  readonly frameHz?: number;
  readonly logLevel: string;
  readonly data: string;
  readonly tls?: { certFile: string; keyFile: string };
  /** Proxies whose X-Forwarded-For / -Proto headers are believed (addresses or CIDR ranges). */
  readonly trustProxy?: readonly string[];
  /** Who may read GET /metrics besides a viewer. */
  readonly metrics?: { readonly public?: boolean; readonly tokenFile?: string };
}

export interface ValidateArgs {
  readonly command: 'validate';
  readonly files: readonly string[];
}

export type CliArgs = StartArgs | ValidateArgs | UserArgs | AuditArgs | ImportArgs | { readonly command: 'help' };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parsePace(text: string): Pace {
  if (text === 'fast') return { kind: 'fast' };
  const factor = Number(text.replace(/x$/, ''));
  if (!(factor >= 0.01 && factor <= 10_000)) throw new UsageError(`--pace must be fast or a factor from 0.01 to 10000, got ${JSON.stringify(text)}`);
  return { kind: 'realtime', factor };
}

const SECURITY_MODES = ['None', 'Sign', 'SignAndEncrypt'] as const;
const SECURITY_POLICIES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

/** The OPC UA security options of `import` (the password comes from TWINLOOP_OPCUA_PASSWORD, never argv). */
function importSecurity(values: Record<string, string | boolean | undefined>): ImportArgs['opcua'] {
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const mode = str('security-mode');
  const policy = str('security-policy');
  if (mode !== undefined && !(SECURITY_MODES as readonly string[]).includes(mode)) throw new UsageError(`--security-mode must be ${SECURITY_MODES.join(' | ')}, got ${JSON.stringify(mode)}`);
  if (policy !== undefined && !(SECURITY_POLICIES as readonly string[]).includes(policy)) throw new UsageError(`--security-policy must be ${SECURITY_POLICIES.join(' | ')}, got ${JSON.stringify(policy)}`);
  const out = {
    ...(mode !== undefined ? { securityMode: mode as (typeof SECURITY_MODES)[number] } : {}),
    ...(policy !== undefined ? { securityPolicy: policy as (typeof SECURITY_POLICIES)[number] } : {}),
    ...(str('certificate-folder') !== undefined ? { certificateFolder: str('certificate-folder')! } : {}),
    ...(str('server-certificate') !== undefined ? { serverCertificate: str('server-certificate')! } : {}),
    ...(str('user') !== undefined ? { username: str('user')! } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

export function parseCli(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      line: { type: 'string' },
      plant: { type: 'string' },
      program: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      pace: { type: 'string' },
      paused: { type: 'boolean' },
      pacing: { type: 'string' },
      'publish-ms': { type: 'string' },
      'frame-hz': { type: 'string' },
      'log-level': { type: 'string' },
      data: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'metrics-token-file': { type: 'string' },
      'metrics-public': { type: 'boolean' },
      'trust-proxy': { type: 'string' },
      role: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      'security-mode': { type: 'string' },
      'security-policy': { type: 'string' },
      'certificate-folder': { type: 'string' },
      'server-certificate': { type: 'string' },
      user: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) return { command: 'help' };
  if (command === 'validate') {
    if (rest.length === 0) throw new UsageError('validate needs at least one FILE');
    return { command, files: rest };
  }
  if (command === 'import') {
    if (rest.length !== 1) throw new UsageError('import takes one URL, e.g. twinloop import opc.tcp://127.0.0.1:4840');
    const opcua = importSecurity(values);
    return { command, url: rest[0]!, name: values.name ?? 'plc1', ...(values.out !== undefined ? { out: values.out } : {}), ...(opcua ? { opcua } : {}) };
  }
  if (command === 'user') {
    const [sub, name, ...more] = rest;
    const data = values.data ?? './data';
    if (sub === 'list' && name === undefined) return { command, sub, data };
    if ((sub === 'passwd' || sub === 'remove') && name !== undefined && more.length === 0) return { command, sub, name, data };
    if (sub === 'add' && name !== undefined && more.length === 0) {
      if (!isRole(values.role)) throw new UsageError(`user add needs --role ${ROLES.join('|')}`);
      return { command, sub, name, role: values.role, data };
    }
    if (sub === 'role' && name !== undefined && more.length === 1) {
      if (!isRole(more[0])) throw new UsageError(`user role NAME R: R is one of ${ROLES.join('|')}`);
      return { command, sub, name, role: more[0], data };
    }
    throw new UsageError('usage: twinloop user add NAME --role R | user list | user passwd NAME | user role NAME R | user remove NAME');
  }
  if (command === 'audit') {
    if (rest.length !== 1 || rest[0] !== 'verify') throw new UsageError('usage: twinloop audit verify [--data DIR]');
    return { command, sub: 'verify', data: values.data ?? './data' };
  }
  if (command === 'start') {
    if (rest.length > 0) throw new UsageError(`start takes no positional arguments, got ${rest.join(' ')}`);
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
    return {
      command,
      ...(values.line !== undefined || values.plant === undefined ? { line: values.line ?? 'examples/sorting.yaml' } : {}),
      ...(values.plant !== undefined ? { plant: values.plant } : {}),
      ...(values.program !== undefined ? { program: values.program } : {}),
      host: values.host ?? '127.0.0.1',
      port,
      pace: values.pace === undefined ? { kind: 'realtime', factor: 1 } : parsePace(values.pace),
      paused: values.paused ?? false,
      ...pacingOptions(values.pacing, values['publish-ms']),
      ...frameHzOption(values['frame-hz']),
      logLevel: values['log-level'] ?? 'info',
      data: values.data ?? './data',
      ...tlsOption(values['tls-cert'], values['tls-key']),
      ...metricsOption(values['metrics-token-file'], values['metrics-public']),
      ...(values['trust-proxy'] !== undefined ? { trustProxy: trustProxyOption(values['trust-proxy']) } : {}),
    };
  }
  throw new UsageError(`unknown command "${command}"; known: start, validate, import, user, audit`);
}

/** `--frame-hz N`: the HMI publisher's rate cap (hmi/server/publisher.ts). */
function frameHzOption(text: string | undefined): Pick<StartArgs, 'frameHz'> {
  if (text === undefined) return {};
  const hz = Number(text);
  if (!Number.isInteger(hz) || hz < 1 || hz > 240) throw new UsageError(`--frame-hz must be an integer from 1 to 240, got ${JSON.stringify(text)}`);
  return { frameHz: hz };
}

/** `--pacing precise|economy` and `--publish-ms MS` (core/engine/pacing.ts). */
function pacingOptions(pacing: string | undefined, publishMs: string | undefined): Pick<StartArgs, 'pacing' | 'publishMs'> {
  if (pacing !== undefined && pacing !== 'precise' && pacing !== 'economy') throw new UsageError(`--pacing must be precise or economy, got ${JSON.stringify(pacing)}`);
  const ms = publishMs === undefined ? undefined : Number(publishMs);
  if (ms !== undefined && !(ms > 0 && ms <= 1000)) throw new UsageError(`--publish-ms must be a number of ms from above 0 to 1000, got ${JSON.stringify(publishMs)}`);
  return { ...(pacing !== undefined ? { pacing } : {}), ...(ms !== undefined ? { publishMs: ms } : {}) };
}

/** `--trust-proxy 10.0.0.5,10.1.0.0/16`: addresses or CIDR ranges, never "everyone". */
function trustProxyOption(text: string): string[] {
  const list = text.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const bad = list.find((x) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(x));
  if (list.length === 0 || bad !== undefined) throw new UsageError(`--trust-proxy takes the proxy's addresses or CIDR ranges, comma separated (e.g. 127.0.0.1,10.0.0.0/8), got ${JSON.stringify(bad ?? text)}`);
  return list;
}

function metricsOption(tokenFile: string | undefined, open: boolean | undefined): { metrics?: StartArgs['metrics'] } {
  if (tokenFile !== undefined && open === true) throw new UsageError('--metrics-public needs no --metrics-token-file: choose one');
  if (tokenFile !== undefined) return { metrics: { tokenFile } };
  return open === true ? { metrics: { public: true } } : {};
}

function tlsOption(certFile: string | undefined, keyFile: string | undefined): { tls?: { certFile: string; keyFile: string } } {
  if (certFile === undefined && keyFile === undefined) return {};
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return { tls: { certFile, keyFile } };
}
