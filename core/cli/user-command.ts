// `twinloop user add NAME --role R | list | passwd NAME | role NAME R | remove NAME`: user
// administration from the shell, on the data folder's users.json. A running server sees every
// change at the user's next request: a changed password or role, or a removal, ends the user's
// sessions there (the user's stamp in users.json changed). `role` also repairs an installation
// whose admins are locked out. The last admin cannot be demoted or removed. The password is read from the terminal without echo, or from the first line of stdin when piped
// (`printf '%s\n' "$PW" | twinloop user add ...`); never from the command line, where `ps`
// would show it. Every change is written to the audit log as done by the OS user at "cli".

import { userInfo } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../audit/audit-log.ts';
import type { AuditAction } from '../audit/audit-record.ts';
import { ensureDataDir, installationSecret } from '../auth/data-dir.ts';
import type { Role } from '../auth/roles.ts';
import { UserStore } from '../auth/user-store.ts';

export interface UserArgs {
  readonly command: 'user';
  readonly sub: 'add' | 'list' | 'passwd' | 'role' | 'remove';
  readonly name?: string;
  readonly role?: Role;
  readonly data: string;
}

/** Run a `user` subcommand; resolves with the exit code. Errors propagate (main prints them). */
export async function userCommand(args: UserArgs, input: NodeJS.ReadStream = process.stdin): Promise<number> {
  ensureDataDir(args.data);
  const users = new UserStore(args.data);
  if (args.sub === 'list') {
    const list = users.list();
    if (list.length === 0) console.log('no users (the server prints a one-time setup token at start)');
    for (const u of list) console.log(`${u.name.padEnd(24)} ${u.role.padEnd(9)} created ${u.created}  changed ${u.changed}`);
    return 0;
  }
  const name = args.name!;
  // Fail before asking for a password or writing an attempt when the user is not there.
  if (args.sub !== 'add' && users.get(name) === undefined) throw new Error(`no user ${name}`);
  const password = args.sub === 'add' || args.sub === 'passwd' ? await readPassword(input, `password for ${name}: `) : undefined;
  const action = ACTIONS[args.sub];
  const old = args.sub === 'role' || args.sub === 'remove' ? { old: { role: users.get(name)!.role } } : {};
  // With the secret, the CLI keeps the log's signed head up to date as the server does.
  const audit = new AuditLog(join(args.data, 'audit.jsonl'), { secret: installationSecret(args.data) });
  try {
    const who = { action, user: osUser(), role: null, from: 'cli', target: name } as const;
    // Write-ahead, as on the server: no record, no change.
    const attempt = audit.append({ ...who, ...old, ...(args.role !== undefined ? { new: { role: args.role } } : {}), result: 'attempt' });
    try {
      if (args.sub === 'add') await users.add(name, args.role!, password!);
      else if (args.sub === 'passwd') await users.setPassword(name, password!);
      else if (args.sub === 'role') users.setRole(name, args.role!);
      else users.remove(name);
    } catch (err) {
      audit.append({ ...who, result: 'failed', ref: attempt.seq, detail: (err as Error).message });
      throw err;
    }
    audit.append({ ...who, result: 'ok', ref: attempt.seq });
  } finally {
    audit.close();
  }
  const ends = 'their sessions end at once, in a running server too';
  if (args.sub === 'add') console.log(`user ${name} added as ${args.role}`);
  else if (args.sub === 'passwd') console.log(`password of ${name} changed; ${ends}`);
  else if (args.sub === 'role') console.log(`role of ${name} changed to ${args.role}; ${ends}`);
  else console.log(`user ${name} removed; ${ends}`);
  return 0;
}

const ACTIONS: Readonly<Record<Exclude<UserArgs['sub'], 'list'>, AuditAction>> = { add: 'user.add', passwd: 'user.passwd', role: 'user.role', remove: 'user.remove' };

function osUser(): string {
  try {
    return `os:${userInfo().username}`;
  } catch {
    return `os:uid${process.getuid?.() ?? '?'}`;
  }
}

/** One line from a pipe, or a no-echo prompt (asked twice) on a terminal. */
async function readPassword(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  if (!input.isTTY) return firstLine(input);
  const first = await promptHidden(input, prompt);
  const second = await promptHidden(input, 'again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

function firstLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (): void => {
      input.off('data', onData);
      input.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      // Bounded: a password line is short; stop reading at the first newline or 4 KiB.
      if (text.includes('\n') || text.length > 4096) done();
    };
    input.on('data', onData);
    input.once('end', done);
    input.once('error', reject);
  });
}

function promptHidden(input: NodeJS.ReadStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stdout.write(prompt);
    input.setRawMode(true);
    input.resume();
    let text = '';
    const finish = (err?: Error): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stdout.write('\n');
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else if (text.length < 4096) text += ch;
      }
    };
    input.on('data', onData);
  });
}
