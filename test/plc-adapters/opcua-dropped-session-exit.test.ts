// The OPC UA adapter lets go of a dropped session it gave up on: after a subscription-mode link
// drop whose session could not be reclaimed, close() must leave nothing running (node-opcua
// kept that session's publish engine re-arming a 100 ms timer forever, so a process holding
// such an adapter never exited: the e2e benchmark hung so). Run in a child process, which
// must exit by itself once it says 'closed'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('closed after an unreclaimed subscription-mode link drop: the process exits by itself', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./opcua-dropped-session-exit.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let closedAt = 0;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (closedAt === 0 && out.includes('closed')) closedAt = performance.now();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Bounded: 30 s for the whole scenario, then 5 s after 'closed' (the 100 ms timers would run forever).
  const t0 = performance.now();
  let code: number | null | 'hung' = 'hung';
  while (performance.now() - t0 < 30_000) {
    const r = await Promise.race([exited, new Promise<'wait'>((res) => setTimeout(() => res('wait'), 100))]);
    if (r !== 'wait') {
      code = r;
      break;
    }
    if (closedAt > 0 && performance.now() - closedAt > 5000) break;
  }
  if (code === 'hung') child.kill('SIGKILL');
  assert.ok(closedAt > 0, `the scenario did not finish: ${out} ${err.slice(-2000)}`);
  assert.is(code, 0, `the process did not exit by itself within 5 s of closing (${code}); stderr: ${err.slice(-2000)}`);
});

test.run();
