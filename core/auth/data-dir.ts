// The data folder (default ./data, `--data DIR`): users, the installation secret and the audit
// log. Created 0700, files 0600, because it holds password hashes and the session-signing key.
// Permissions are re-tightened on every open: a copy or an unpacked backup often loosens them.

import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
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
