/**
 * Runs a citty command tree with our own front door: `--help`/`-h` only before `--` (so
 * `exec id -- cmd --help` reaches cmd), `--version`, and every error through `describeError`
 * to one stderr line and a documented exit code.
 */
import { type CommandDef, renderUsage, runCommand } from 'citty';
import { EXIT } from './exit-codes.js';
import { colorWanted, stripAnsi, unknownCommandLine } from './suggest.js';

async function resolve<T>(v: T | (() => T | Promise<T>) | Promise<T>): Promise<T> {
  return typeof v === 'function' ? await (v as () => T | Promise<T>)() : await v;
}

/** Finds the (sub)command named by the leading positionals, for help output. */
async function subcommandFor(
  root: CommandDef,
  args: string[],
): Promise<[CommandDef, CommandDef | undefined]> {
  let cmd = root;
  let parent: CommandDef | undefined;
  for (const a of args) {
    if (a.startsWith('-')) break;
    const subs = (await resolve(cmd.subCommands)) as
      | Record<string, CommandDef | (() => Promise<CommandDef>)>
      | undefined;
    const next = subs?.[a];
    if (!next) break;
    parent = cmd;
    cmd = await resolve(next as CommandDef);
  }
  return [cmd, parent];
}

/** Runs the CLI and returns the process exit code (does not exit). */
export async function runCli(root: CommandDef, argv: string[], version: string): Promise<number> {
  const dd = argv.indexOf('--');
  const head = dd < 0 ? argv : argv.slice(0, dd);
  try {
    const bare = argv.length === 0 && !root.default;
    if (head.includes('--help') || head.includes('-h') || bare) {
      const [cmd, parent] = await subcommandFor(root, head);
      // citty colours unless NO_COLOR is exactly "1"; a pipe or a file gets plain text.
      const usage = await renderUsage(cmd, parent);
      const text = colorWanted(process.stdout) ? usage : stripAnsi(usage);
      process.stdout.write(`${text.replace(/[ \t]+$/gm, '')}\n`);
      return bare ? EXIT.USAGE : EXIT.OK;
    }
    if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
      process.stdout.write(`${version}\n`);
      return EXIT.OK;
    }
    await runCommand(root, { rawArgs: argv });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    // Loaded only on failure: the error mapper pulls in the client and core error types, and
    // `visible` pulls in yaml and zod — `--version` must not pay for them (ADR 0051).
    const [{ describeError }, { visible }] = await Promise.all([
      import('./errors.js'),
      import('./output.js'),
    ]);
    // A mistyped command: name the closest one (issue 12).
    if ((e as { code?: unknown }).code === 'E_UNKNOWN_COMMAND') {
      const unknown = await unknownCommandLine(root, head).catch(() => undefined);
      if (unknown) {
        process.stderr.write(`error: ${visible(unknown)}\n`);
        return EXIT.USAGE;
      }
    }
    const { line, exitCode } = describeError(e);
    // Server messages quote names and text of other people: no raw control or bidi character.
    process.stderr.write(`${visible(line)}\n`);
    return exitCode;
  }
}
