import { extract } from './commands/extract.js';
import { rollback } from './commands/rollback.js';
import { status } from './commands/status.js';
import { sync } from './commands/sync.js';
import { CliError, ExitCode } from './errors.js';
import { type Command, commonHelp, connect, type Io, parseFlags } from './io.js';

const commands: Record<string, Command> = { sync, status, rollback, extract };

export const mainHelp = `Usage: stable-copy <command> [flags]     (stable-copy <command> --help for details)

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

${commonHelp}
`;

/** The text form of a result: a field a line, nested ones indented, epoch-ms times as ISO dates. */
const text = (value: object, indent = ''): string[] =>
  Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === 'object'
      ? [`${indent}${key}:`, ...text(v, `${indent}  `)]
      : [`${indent}${key}: ${/(Time|At|Modified)$/.test(key) && v ? new Date(v).toISOString() : v}`],
  );

/** Runs the CLI with `argv` (without node and script); returns the exit code. Tests call this. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name = '', ...args] = argv;
  const command = commands[name];
  if (!command) {
    const help = ['--help', '-h', 'help'].includes(name);
    if (help || !name) io.stdout.write(mainHelp);
    else io.stderr.write(`stable-copy: unknown command '${name}'\n\n${mainHelp}`);
    return help ? ExitCode.ok : ExitCode.usage;
  }
  try {
    const flags = parseFlags(args, command.options);
    if (flags.help) {
      io.stdout.write(`${command.help}\n${commonHelp}\n`);
      return ExitCode.ok;
    }
    const result = {
      command: name,
      ...(await command.run(flags, (fallback) => connect(flags, io, fallback))),
    };
    io.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${text(result).join('\n')}\n`);
    return ExitCode.ok;
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : ExitCode.failed;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`stable-copy ${name}: ${message}\n`);
    if (args.includes('--json'))
      io.stdout.write(
        `${JSON.stringify({ command: name, outcome: 'failed', exitCode, error: message }, null, 2)}\n`,
      );
    return exitCode;
  }
}
