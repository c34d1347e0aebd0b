// A reader of docker/Dockerfile's instructions, for the test that runs its steps on the host
// (no image registry is reachable here, so `docker build` cannot run). Knows the subset the
// file uses: FROM [AS], WORKDIR, ENV, COPY [--from], RUN, VOLUME, EXPOSE, USER, HEALTHCHECK,
// CMD; line continuations with a trailing backslash; exec-form (JSON) and shell-form arguments.

export interface Instruction {
  readonly op: string;
  /** The text after the keyword, continuations joined. */
  readonly text: string;
  /** 1-based line of the keyword, for messages. */
  readonly line: number;
}

export interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly steps: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const start = k;
    let joined = lines[k]!;
    if (/^\s*(#|$)/.test(joined)) continue;
    while (joined.endsWith('\\') && k + 1 < lines.length) joined = joined.slice(0, -1) + ' ' + lines[++k]!.trim();
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(joined);
    if (!m) throw new Error(`Dockerfile:${start + 1}: not an instruction: ${joined}`);
    const op = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!f) throw new Error(`Dockerfile:${start + 1}: FROM image [AS name] expected`);
      stages.push({ from: f[1]!, name: f[2] ?? null, steps: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`Dockerfile:${start + 1}: ${op} before the first FROM`);
    stage.steps.push({ op, text: rest, line: start + 1 });
  }
  return stages;
}

/** The argument vector of an exec-form instruction (`["node", "-e", "..."]`). */
export function execForm(text: string): string[] {
  const json = text.replace(/^CMD\s+/i, '');
  const argv = JSON.parse(json) as unknown;
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new Error(`not an exec-form argument list: ${text}`);
  return argv as string[];
}
