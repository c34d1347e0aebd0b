// Password hashing with node's scrypt (memory-hard). The stored form names its parameters so
// they can be raised later without breaking old hashes:
//   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
// Verification recomputes with the stored parameters and compares in constant time.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { TwinloopError } from '../errors.ts';

// N=2^15, r=8: 32 MiB and ~50-100 ms per hash on a small server core; OWASP's scrypt minimum
// is N=2^17 with r=8 p=1 *or* equivalent cost; we keep N modest because logins are rate-limited
// and the host also runs the physics worker.
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** Rules for a new password: long enough to resist guessing, short enough to bound hashing. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + (1 << 20) };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Check a new password against the rules. @throws TwinloopError USER_INVALID */
export function checkPasswordRules(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new TwinloopError('USER_INVALID', `a password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`);
  }
}

/** Hash a password for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `password` matches `stored`; false (never a throw) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 1 << 20) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const want = Buffer.from(parts[5]!, 'base64url');
  if (want.length !== KEY_BYTES) return false;
  const got = await derive(password, salt, n, r, p);
  return timingSafeEqual(got, want);
}

/**
 * A hash of a random password, verified against when the user name is unknown so that a
 * failed login costs the same time whether or not the user exists (no user enumeration).
 */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}
