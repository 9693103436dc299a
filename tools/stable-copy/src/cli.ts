#!/usr/bin/env node
import { pathToFileURL } from 'node:url';
import { extract } from './commands/extract.js';
import { rollback } from './commands/rollback.js';
import { status } from './commands/status.js';
import { sync } from './commands/sync.js';
import { CliError, ExitCode } from './errors.js';
import { commonHelp, type Io } from './io.js';

const commands: Record<string, { summary: string; run: (argv: string[], io: Io) => Promise<void> }> = {
  sync: { summary: 'copy, verify and publish a table; keep the previous version as a snapshot', run: sync },
  status: { summary: 'published version, snapshots, and how far behind the source it is', run: status },
  rollback: { summary: 'restore a snapshot over the destination, atomically', run: rollback },
  extract: { summary: 'export a bbox of a CARTO tileset to an MBTiles file the API serves', run: extract },
};

export const mainHelp = `Usage: stable-copy <command> [flags]     (stable-copy <command> --help for details)

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

${commonHelp}
`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. Tests call this. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(mainHelp);
    return name ? ExitCode.ok : ExitCode.usage;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`stable-copy: unknown command '${name}'\n\n${mainHelp}`);
    return ExitCode.usage;
  }
  try {
    await command.run(rest, io);
    return ExitCode.ok;
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : ExitCode.failed;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`stable-copy ${name}: ${message}\n`);
    if (rest.includes('--json')) {
      io.stdout.write(
        `${JSON.stringify({ command: name, outcome: 'failed', exitCode, error: message }, null, 2)}\n`,
      );
    }
    return exitCode;
  }
}

/** The process entry point (`bin/stable-copy.js`, `npm run stable-copy`). */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
