// The page's side of the ST program's online view: its state and forces, the variables below a
// path (values as IEC literal text), and the engineer's write / force / release, which carry
// `confirm: true` (the page asks first). The server checks role, path, value and mode again.

import type { ProgramState } from '../../../core/engine/run-control.ts';
import type { OnlineVar } from '../../../plc-adapters/st/st-program.ts';
import { ApiError, apiRequest } from './api-request.ts';

export type { OnlineVar, ProgramState };
export { ApiError };

export interface ProgramInfo {
  program: ProgramState | null;
  forces: { path: string; text: string }[];
}

const call = apiRequest;

export const programInfo = (): Promise<ProgramInfo> => call('GET', '/api/program');

/** Children of a path (no path: the programs and global lists). */
export const programVars = (path?: string): Promise<OnlineVar[]> => call('GET', path === undefined ? '/api/program/vars' : `/api/program/vars?path=${encodeURIComponent(path)}`);

/** Write once, or force (held every scan until released). */
export const setVar = (path: string, value: string, force: boolean): Promise<{ path: string; value: string; forced: boolean }> =>
  call('POST', '/api/program/vars', { path, value, force, confirm: true });

/** Release one force, or every force when no path is given. */
export const releaseForces = (path?: string): Promise<{ released: string[] }> => call('DELETE', '/api/program/forces', path === undefined ? { confirm: true } : { path, confirm: true });

/** Reset the run (the model and a cold restart of the program; forces stay). */
export const resetRun = (): Promise<unknown> => call('POST', '/api/run/reset', { confirm: true });

/** `dir/sub/file.st` -> `file.st`: the name an engineer recognises; the full path goes in a title. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
