// Bootstrap for worker threads whose entry is TypeScript: on Node 20 the parent's
// `--import tsx` does not reach worker threads, so the worker registers tsx itself and then
// imports its real entry (passed as workerData.__entry).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
