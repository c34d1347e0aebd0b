// Whether another process still runs, for files and folders that carry their owner's pid (a
// store's lock, a temporary PKI folder): left behind by a process that is gone, they may be
// taken over or swept.

/** Is process `pid` running? Signal 0 checks without sending; EPERM: it runs under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
