// Temporary PKI folders (a client without a certificateFolder, the soft PLC, tests): named with
// the owning process id, removed at close and again when the process exits, and swept at start
// when a process that died without exiting (SIGKILL, a crash) left them behind. No node-opcua
// import here: the adapter calls this at close without loading the stack.

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../core/process-alive.ts';

// `twinloop-opcua-client-4242-AbC123`: prefix, owner pid, mkdtemp's six characters.
const OWNED = /^twinloop-opcua-[a-z0-9-]*?-(\d+)-[A-Za-z0-9]{6}$/;
// Folders of versions before the pid was in the name: swept once they are a day old.
const LEGACY = /^twinloop-opcua-[a-z0-9-]+-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 24 * 3600 * 1000;

const live = new Set<string>();
let started = false;

function removeLive(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}


/**
 * Remove the temporary PKI folders of processes that are gone. Returns the folders removed.
 * `root` is the temporary folder (a parameter for tests).
 */
export function sweepStaleTempFolders(root = tmpdir(), now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith('twinloop-opcua-')) continue;
    const dir = join(root, name);
    const owned = OWNED.exec(name);
    let stale = false;
    if (owned) stale = Number(owned[1]) !== process.pid && !processAlive(Number(owned[1]));
    else if (LEGACY.test(name)) {
      try {
        stale = now - statSync(dir).mtimeMs > LEGACY_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** A fresh temporary folder for a PKI, removed by {@link removeTempPkiFolder} or at exit. */
export function tempPkiFolder(prefix: string): string {
  if (!started) {
    started = true;
    sweepStaleTempFolders();
    // 'exit' handlers run synchronously on every normal exit (also process.exit after SIGINT
    // handling); a killed process is swept by the next start instead.
    process.once('exit', removeLive);
  }
  const dir = mkdtempSync(join(tmpdir(), `twinloop-${prefix}-${process.pid}-`));
  live.add(dir);
  return dir;
}

/** Remove a folder made by {@link tempPkiFolder} now. */
export function removeTempPkiFolder(dir: string): void {
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
