// Entry of the piscina pool's workers when the sources run as TypeScript: on Node 20 the
// parent's `--import tsx` does not reach worker threads, so the worker registers tsx itself,
// imports the real task module (workerData.__entry) and re-exports its handler for piscina.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const entry = await import(workerData.__entry);
export default entry.default;
