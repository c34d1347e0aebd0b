// The data folder (default ./data, `--data DIR`): users, the installation secret, the audit
// log and its signed head, recordings. Created 0700, files 0600, because it holds password
// hashes and the session-signing key. Permissions are re-tightened at every start
// (tightenDataFiles): a copy or an unpacked backup often loosens them.

import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TwinloopError } from '../errors.ts';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Create the folder if needed and make it private. @throws TwinloopError CFG_INVALID */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    chmodSync(dir, DIR_MODE);
  } catch (err) {
    throw new TwinloopError('CFG_INVALID', `data folder ${dir} cannot be used: ${(err as Error).message}`, { cause: err });
  }
}

/** Write a file atomically (temp file, fsync, rename) with mode 0600. */
export function writePrivateFile(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', FILE_MODE);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, FILE_MODE);
  renameSync(tmp, path);
}

/**
 * The installation secret (32 random bytes), created on first use. It keys the HMAC under which
 * session tokens are stored, so a leaked session table does not give usable tokens, and it is
 * different on every installation (nothing secret is in the code).
 */
export function installationSecret(dir: string): Buffer {
  const path = join(dir, 'secret.key');
  try {
    const buf = readFileSync(path);
    chmodSync(path, FILE_MODE);
    if (buf.length === 32) return buf;
    throw new TwinloopError('CFG_INVALID', `${path} must hold 32 bytes, has ${buf.length}; delete it to make a new one (logs everyone out)`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32);
  writePrivateFile(path, secret);
  return secret;
}

// The data folder's private files; the alarm journal and recordings hold plant data.
const PRIVATE_FILES = ['users.json', 'secret.key', 'audit.jsonl', 'audit.head'];
const RECORDINGS = 'recordings';
// Recordings are <data>/recordings/<id>/<segment>; a little deeper is tolerated, symlinks never followed.
const MAX_DEPTH = 3;

/**
 * Re-tighten the data folder's files at start: 0600 for users, secret, audit log and its head,
 * and for every file under recordings/ (folders there 0700). A restored backup or a copied
 * folder often comes back 0644; the docs promise 0600. Missing files are skipped; a file we
 * do not own (EPERM) is left as it is, since refusing to start would help nobody.
 */
export function tightenDataFiles(dir: string): void {
  for (const name of PRIVATE_FILES) chmodQuiet(join(dir, name), FILE_MODE);
  tightenTree(join(dir, RECORDINGS), 0);
}

function tightenTree(path: string, depth: number): void {
  let entries;
  try {
    if (!lstatSync(path).isDirectory()) return;
    chmodQuiet(path, DIR_MODE);
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return; // missing or unreadable: nothing to tighten
  }
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isFile()) chmodQuiet(p, FILE_MODE);
    else if (e.isDirectory() && depth < MAX_DEPTH) tightenTree(p, depth + 1);
  }
}

function chmodQuiet(path: string, mode: number): void {
  try {
    if (lstatSync(path).isSymbolicLink()) return;
    chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}
