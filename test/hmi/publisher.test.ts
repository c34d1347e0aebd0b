// Unit tests of the frame publisher with fake sinks (no sockets, no timer): one encode shared by
// all clients, a slow client skips frames and then gets a keyframe, status frames on change.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pino } from 'pino';
import type { ServerFrame, ValuesFrame } from '../../hmi/protocol.ts';
import { Publisher, type FrameSink } from '../../hmi/server/publisher.ts';
import { decodeFrame } from '../../hmi/web/src/frame-decoder.ts';
import { FixtureRun } from './fixture-run.ts';

class Sink implements FrameSink {
  bufferedAmount = 0;
  readonly sent: Uint8Array[] = [];
  send(bytes: Uint8Array): void {
    this.sent.push(bytes);
  }
  frames(): ServerFrame[] {
    return this.sent.map((b) => decodeFrame(b));
  }
  values(): ValuesFrame[] {
    return this.frames().filter((f): f is ValuesFrame => f.t === 'values');
  }
}

function setup(): { run: FixtureRun; pub: Publisher } {
  const run = new FixtureRun({ paused: true });
  const pub = new Publisher(run, { frameHz: 30, keyframeSeconds: 3600, maxBufferedBytes: 1000, logger: pino({ level: 'silent' }) });
  return { run, pub };
}

test('a client gets a keyframe on add; later frames are the same buffer for every client', async () => {
  const { run, pub } = setup();
  try {
    const a = new Sink();
    const b = new Sink();
    pub.add(a);
    pub.add(b);
    assert.is(a.sent[0], b.sent[0], 'connect keyframe shared in the same cycle');
    assert.ok(a.values()[0]!.key);
    await run.step(100);
    pub.publishOnce();
    const last = a.sent.length - 1;
    assert.is(a.sent[last], b.sent[b.sent.length - 1], 'same bytes object, encoded once');
    const delta = a.values().at(-1)!;
    assert.is(delta.key, false);
    assert.is(delta.tick, run.table.tick);
  } finally {
    await run.close();
  }
});

test('nothing moved: no values frame', async () => {
  const { run, pub } = setup();
  try {
    const a = new Sink();
    pub.add(a);
    pub.publishOnce();
    const n = a.values().length;
    pub.publishOnce();
    assert.is(a.values().length, n);
  } finally {
    await run.close();
  }
});

test('a client over its buffer limit skips frames, then catches up with a keyframe', async () => {
  const { run, pub } = setup();
  try {
    const slow = new Sink();
    const fast = new Sink();
    pub.add(slow);
    pub.add(fast);
    slow.bufferedAmount = 5000;
    const before = slow.values().length;
    for (let i = 0; i < 3; i++) {
      await run.step(10);
      pub.publishOnce();
    }
    assert.is(slow.values().length, before, 'nothing queued on the slow client');
    assert.is(pub.stats().skipped, 3);
    slow.bufferedAmount = 0;
    await run.step(10);
    pub.publishOnce();
    const caughtUp = slow.values().at(-1)!;
    assert.ok(caughtUp.key, 'first frame after catching up is a keyframe');
    assert.is(caughtUp.tick, run.table.tick);
    assert.is(fast.values().at(-1)!.key, false, 'the other client keeps getting deltas');
  } finally {
    await run.close();
  }
});

test('status frame on a state change', async () => {
  const { run, pub } = setup();
  try {
    const a = new Sink();
    pub.add(a);
    pub.publishOnce();
    const n = a.frames().filter((f) => f.t === 'status').length;
    await run.resume();
    pub.statusChanged();
    pub.publishOnce();
    const statuses = a.frames().filter((f) => f.t === 'status');
    assert.is(statuses.length, n + 1);
    assert.is(statuses.at(-1)!.t === 'status' && statuses.at(-1)!.status.state, 'running');
  } finally {
    await run.close();
  }
});

test('removed clients get nothing; start/stop leave no timer behind', async () => {
  const { run, pub } = setup();
  try {
    const a = new Sink();
    pub.add(a);
    pub.remove(a);
    const n = a.sent.length;
    await run.step(10);
    pub.publishOnce();
    assert.is(a.sent.length, n);
    pub.start();
    pub.stop();
  } finally {
    await run.close();
  }
});

test.run();
