// Command-line parsing for `twinloop`: node's own parseArgs, with the closed list of
// commands and options so a typo fails loudly with the usage text.

import { parseArgs } from 'node:util';
import type { Pace } from '../engine/run-control.ts';
import { isRole, ROLES } from '../auth/roles.ts';
import type { UserArgs } from './user-command.ts';
import type { ImportArgs } from './import-command.ts';

export const USAGE = `twinloop — PLCs coupled to a physics model of their line

usage:
  twinloop start [--line FILE] [--plant FILE] [--program P] [--host ADDR] [--port N] [--pace 1|10|fast|<factor>] [--paused] [--no-record]
  twinloop validate FILE...
  twinloop check FILE|DIR... [--emit]
  twinloop test FILE|DIR... [--program P] [--threads N | --serial] [--out DIR]
  twinloop sweep [FILE] [--param PATH=V1,V2,...]... [--minutes M] [--out DIR]
  twinloop compare BASELINE_DIR CANDIDATE_DIR
  twinloop export-csv RECORDING [--from S] [--to S] [--signals A,B] [--out FILE]
  twinloop import opc.tcp://HOST:PORT | ads://HOST/NETID[:PORT] [--out FILE] [--name NAME]
  twinloop user add NAME --role viewer|operator|engineer|admin [--data DIR]
  twinloop user list|passwd NAME [--data DIR]

commands:
  start      run the line with the built-in controller and serve the HMI
             (default line: examples/sorting.yaml, http://127.0.0.1:8080)
  validate   check line files against the published schema; exit 1 on any error
  check      compile Structured Text (.st, PLCopen XML, TwinCAT files) without running it;
             errors as file:line:col; exit 1 on any error (--emit prints the generated code)
  test       run scenario files and ST unit tests (*.test.st); JUnit XML + HTML reports; exit 1 on failure
  sweep      what-if grid over line parameters: throughput, energy, rejects, wear per point
  compare    KPI differences and first divergence of each signal between two result folders
  export-csv a time range of a recording (<data>/recordings) as CSV
  import     read a controller's tags (OPC UA browse, ADS symbol table) into a plant file
  user       manage HMI users (password from the terminal, or the first line of stdin)

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
  --no-record      do not record the run into <data>/recordings
  --data DIR       data folder: users, secret, audit log, alarm journal, recordings (default ./data)
  --tls-cert FILE  serve HTTPS with this PEM certificate (with --tls-key)
  --tls-key FILE   the certificate's PEM private key
  --role R         role of a new user
  --log-level L    pino level (default info)
  -h, --help       this text
`;

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
  readonly logLevel: string;
  readonly data: string;
  readonly tls?: { certFile: string; keyFile: string };
}

export interface ValidateArgs {
  readonly command: 'validate';
  readonly files: readonly string[];
}

export type CliArgs = StartArgs | ValidateArgs | UserArgs | ImportArgs | { readonly command: 'help' };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parsePace(text: string): Pace {
  if (text === 'fast') return { kind: 'fast' };
  const factor = Number(text.replace(/x$/, ''));
  if (!(factor >= 0.01 && factor <= 10_000)) throw new UsageError(`--pace must be fast or a factor from 0.01 to 10000, got ${JSON.stringify(text)}`);
  return { kind: 'realtime', factor };
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
      'log-level': { type: 'string' },
      data: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      role: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
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
    return { command, url: rest[0]!, name: values.name ?? 'plc1', ...(values.out !== undefined ? { out: values.out } : {}) };
  }
  if (command === 'user') {
    const [sub, name, ...more] = rest;
    const data = values.data ?? './data';
    if (sub === 'list' && name === undefined) return { command, sub, data };
    if ((sub === 'add' || sub === 'passwd') && name !== undefined && more.length === 0) {
      if (sub === 'passwd') return { command, sub, name, data };
      if (!isRole(values.role)) throw new UsageError(`user add needs --role ${ROLES.join('|')}`);
      return { command, sub, name, role: values.role, data };
    }
    throw new UsageError('usage: twinloop user add NAME --role R | user list | user passwd NAME');
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
      logLevel: values['log-level'] ?? 'info',
      data: values.data ?? './data',
      ...tlsOption(values['tls-cert'], values['tls-key']),
    };
  }
  throw new UsageError(`unknown command "${command}"; known: start, validate, import, user`);
}

function tlsOption(certFile: string | undefined, keyFile: string | undefined): { tls?: { certFile: string; keyFile: string } } {
  if (certFile === undefined && keyFile === undefined) return {};
  if (certFile === undefined || keyFile === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  return { tls: { certFile, keyFile } };
}
