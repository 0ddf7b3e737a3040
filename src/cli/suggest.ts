/** "did you mean …" for a mistyped (sub)command, and whether help text may keep its colours. */
import type { CommandDef } from 'citty';

type Subs = Record<string, CommandDef | (() => Promise<CommandDef>)>;

async function value<T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v;
}

/** Edit distance (insert, delete, substitute, swap of neighbours), for short command names. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The closest of `names` to `typed` when it is close enough to be a typo, else undefined. */
export function closest(typed: string, names: string[]): string | undefined {
  const t = typed.toLowerCase();
  const scored = names
    .map((n) => ({ n, d: n.startsWith(t) && t.length >= 2 ? 0.5 : distance(t, n) }))
    .sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(1, Math.floor(best.n.length / 3)) ? best.n : undefined;
}

/**
 * For the first positional of `args` that names no subcommand where one is expected: the line to
 * show, e.g. `unknown command "stauts" — did you mean "jitsudo status"?`.
 */
export async function unknownCommandLine(root: CommandDef, args: string[]): Promise<string | undefined> {
  let cmd = root;
  const path = [String((await value(root.meta))?.name ?? '')];
  for (const a of args) {
    if (a.startsWith('-')) return undefined;
    const subs = (await value(cmd.subCommands)) as Subs | undefined;
    if (!subs) return undefined;
    const next = subs[a];
    if (!next) {
      const guess = closest(a, Object.keys(subs));
      const where = path.join(' ');
      return guess
        ? `unknown command "${a}" — did you mean "${where} ${guess}"? (see ${where} --help)`
        : `unknown command "${a}" (see ${where} --help for the commands)`;
    }
    cmd = await value(next as CommandDef);
    path.push(a);
  }
  return undefined;
}

/** Colour only for a terminal: FORCE_COLOR (not "0") forces it, NO_COLOR (any value) or TERM=dumb turn it off. */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing ANSI colour codes is the point.
export const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
