/**
 * Reads a Dockerfile and a .dockerignore the way BuildKit does, for the subset the repository's
 * Dockerfile uses: instructions with `\` continuations and comments, stages (`FROM … AS name`),
 * exec-form (JSON) arguments, flags such as `--from=` and `--interval=`, and .dockerignore
 * patterns with `*`, `**`, a trailing `/` and `!` exceptions (the last matching line wins).
 * Used by test/deploy/dockerfile.test.ts, since no image can be built here.
 */

export interface Instruction {
  cmd: string;
  /** The text after the instruction word, flags included. */
  raw: string;
  flags: Record<string, string>;
  /** Exec-form arguments, or the shell-form text split on whitespace. */
  args: string[];
  exec: boolean;
  line: number;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] } {
  const lines = text.split('\n');
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = `${line.slice(0, -1)} `;
      i++;
      while (i < lines.length && /^\s*#/.test(lines[i]!)) i++; // comments inside a continuation
      line += lines[i] ?? '';
    }
    const m = /^\s*(\w+)\s+(.*)$/s.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot parse "${line}"`);
    let rest = m[2]!.trim();
    const flags: Record<string, string> = {};
    for (let f = /^--([\w-]+)=(\S+)\s+/.exec(rest); f; f = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
      flags[f[1]!] = f[2]!;
      rest = rest.slice(f[0].length);
    }
    let args: string[];
    let exec = false;
    const cmd = m[1]!.toUpperCase();
    const body = cmd === 'HEALTHCHECK' ? rest.replace(/^CMD\s+/, '') : rest;
    if (body.startsWith('[')) {
      args = JSON.parse(body) as string[];
      exec = true;
    } else args = body.split(/\s+/);
    instructions.push({ cmd, raw: rest, flags, args, exec, line: start + 1 });
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.cmd === 'FROM') {
      const [from, as, name] = ins.args;
      stages.push({ from: from!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length) stages.at(-1)!.instructions.push(ins);
    else if (ins.cmd === 'ARG') args.push(ins);
    else throw new Error(`Dockerfile line ${ins.line}: ${ins.cmd} before the first FROM`);
  }
  return { args, stages };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matching a directory excludes (or re-includes) everything below it.
  return new RegExp(`^${re}(/.*)?$`);
}

/** A predicate: is this context-relative path sent to the builder? */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negate, re: globToRegExp(pattern) };
    });
  return (path) => {
    let included = true;
    for (const r of rules) if (r.re.test(path)) included = r.negate;
    return included;
  };
}
