// Crash safety: a child process records a 1000-signal table at the default 50 Hz and is killed
// with SIGKILL mid-run. The recording reopens, holds every frame up to at most ~1 s before the
// kill, and each recorded value is exactly what the child published at that tick. Then the
// CRC's part: a block cut in the middle (a torn write) and a flipped byte inside an earlier
// block each stop the reader at that block, which it reports.

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Recording } from '../../core/recording/index.ts';
import { valueAt, SIGNALS } from './kill-child.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-rec-kill-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let lastTick = 0;
let blocksSeen = 0;

test('kill -9 while recording: the file reopens and at most ~1 s is lost', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./kill-child.ts', import.meta.url).pathname, root], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const until = Date.now() + 20_000;
  // Record until at least 3 blocks are on disk and 2.5 s of ticks have gone by.
  while (Date.now() < until) {
    const m = /tick (\d+) frames (\d+) blocks (\d+)\n(?![\s\S]*tick)/.exec(out);
    if (m && Number(m[3]) >= 3 && Number(m[1]) >= 2500) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
  const lines = [...out.matchAll(/tick (\d+) frames (\d+) blocks (\d+)/g)];
  assert.ok(lines.length > 0, 'the child reported progress');
  const last = lines[lines.length - 1]!;
  lastTick = Number(last[1]);
  blocksSeen = Number(last[3]);
  assert.ok(blocksSeen >= 3, `blocks written before the kill: ${blocksSeen}`);

  const rec = Recording.open(join(root, 'killed'));
  try {
    const s = rec.summary();
    assert.ok(s.blocks >= blocksSeen, `blocks readable ${s.blocks} >= reported ${blocksSeen}`);
    // The last report came at most ~50 ms before the kill; blocks are cut every second and the
    // flush timer looks every 250 ms: allow 1.35 s.
    const lostS = lastTick / 1000 - rec.to;
    assert.ok(lostS <= 1.35, `lost ${lostS.toFixed(3)} s of recording (last tick ${lastTick}, recording ends at ${rec.to})`);
    let frames = 0;
    for (const f of rec.frames(-Infinity, Infinity)) {
      for (let i = 0; i < SIGNALS; i++) {
        if (!Object.is(f.values[i], valueAt(i, f.tick))) assert.unreachable(`tick ${f.tick} signal ${i}: ${f.values[i]} != ${valueAt(i, f.tick)}`);
      }
      frames++;
    }
    assert.is(frames, s.frames);
    assert.ok(frames >= 100, `frames: ${frames}`);
  } finally {
    rec.close();
  }
});

test('a torn last block is caught and reported; everything before it reads', () => {
  const dir = join(root, 'torn');
  mkdirSync(dir);
  const src = join(root, 'killed', 'seg-000001.tlrec');
  const dst = join(dir, 'seg-000001.tlrec');
  copyFileSync(src, dst);
  const whole = Recording.open(dir);
  const blocks = whole.blockCount;
  const frames = whole.summary().frames;
  const size = whole.summary().bytes;
  whole.close();
  // Cut the file in the middle of its last block.
  const bytes = readFileSync(dst);
  let pos = 16 + bytes.readUInt32LE(8);
  let lastStart = pos;
  while (pos < size) {
    lastStart = pos;
    pos += 8 + bytes.readUInt32LE(pos);
  }
  truncateSync(dst, lastStart + 8 + Math.floor((size - lastStart - 8) / 2));
  const rec = Recording.open(dir);
  try {
    assert.is(rec.blockCount, blocks - 1);
    assert.ok(rec.truncated !== undefined);
    assert.is(rec.truncated!.offset, lastStart);
    assert.match(rec.truncated!.reason, /truncated/);
    let n = 0;
    for (const _f of rec.frames(-Infinity, Infinity)) n++;
    assert.ok(n > 0 && n < frames);
  } finally {
    rec.close();
  }
});

test('a flipped byte inside an earlier block fails its CRC: the reader stops there', () => {
  const dir = join(root, 'flipped');
  mkdirSync(dir);
  const bytes = readFileSync(join(root, 'killed', 'seg-000001.tlrec'));
  const first = 16 + bytes.readUInt32LE(8);
  const second = first + 8 + bytes.readUInt32LE(first);
  const third = second + 8 + bytes.readUInt32LE(second);
  bytes[second + 8 + 100] = bytes[second + 8 + 100]! ^ 0x10;
  writeFileSync(join(dir, 'seg-000001.tlrec'), bytes);
  const rec = Recording.open(dir);
  try {
    assert.is(rec.blockCount, 1);
    assert.is(rec.truncated?.offset, second);
    assert.match(rec.truncated!.reason, /CRC/);
    assert.ok(third > second);
  } finally {
    rec.close();
  }
  // With only the tail verified at open, the bad block is found when it is read.
  const lazy = Recording.open(dir, { verify: 'tail' });
  try {
    assert.ok(lazy.blockCount >= 2);
    assert.throws(() => {
      for (const _f of lazy.frames(-Infinity, Infinity));
    }, /CRC/);
  } finally {
    lazy.close();
  }
});

test.run();
