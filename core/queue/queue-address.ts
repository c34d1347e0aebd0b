// The `--queue redis://host:port[/db]` address: parsed once into the connection settings every
// BullMQ and ioredis client of a submitter or worker uses, and the names shared by both sides.

import { TwinloopError } from '../errors.ts';

/** The BullMQ queue every sweep point and scenario goes through. */
export const QUEUE_NAME = 'twinloop-runs';
/** Key prefix of the content store (file bodies by sha256), beside BullMQ's `bull:` keys. */
export const BLOB_PREFIX = 'twinloop:blob:';

export interface QueueConnection {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /**
   * null: a command waits through a Redis restart instead of failing after N retries, so a
   * sweep resumes when Redis is back (BullMQ requires it for workers).
   */
  readonly maxRetriesPerRequest: null;
  /** Reconnect every 0.2-2 s for as long as it takes (ioredis' strategy, capped lower). */
  readonly retryStrategy: (times: number) => number;
}

/** @throws TwinloopError QUEUE_URL */
export function parseQueueUrl(text: string): QueueConnection {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw new TwinloopError('QUEUE_URL', `--queue ${JSON.stringify(text)}: expected redis://host:port[/db]`, { cause: err });
  }
  if (url.protocol !== 'redis:') throw new TwinloopError('QUEUE_URL', `--queue ${JSON.stringify(text)}: the scheme must be redis:// (got ${url.protocol})`);
  if (url.hostname === '') throw new TwinloopError('QUEUE_URL', `--queue ${JSON.stringify(text)}: no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new TwinloopError('QUEUE_URL', `--queue ${JSON.stringify(text)}: the database after the port must be 0-15, got ${JSON.stringify(dbText)}`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(200 * times, 2000),
  };
}

/** host:port/db for messages (never the password). */
export function queueLabel(c: QueueConnection): string {
  return `redis://${c.host}:${c.port}${c.db ? `/${c.db}` : ''}`;
}
