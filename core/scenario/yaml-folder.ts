// The YAML files of one folder as the HMI offers them (scenario files, sweep files): sorted by
// name, each described by loading it, and a file that does not load listed with its error
// rather than left out, so the page can say why it cannot be run.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One entry per `*.yaml`/`*.yml` file of `dir` (none when the folder does not exist): what
 * `describe` makes of the file's path, or, when it throws, what `refused` makes of its message.
 */
export function describeYamlFiles<T>(dir: string, describe: (path: string, file: string) => T, refused: (file: string, message: string) => T): T[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
  return names.map((file) => {
    try {
      return describe(join(dir, file), file);
    } catch (err) {
      return refused(file, (err as Error).message);
    }
  });
}
