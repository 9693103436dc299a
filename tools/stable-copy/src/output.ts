import type { Writable } from 'node:stream';

/** Where a command writes: progress and human text to stderr, the summary to stdout. */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/**
 * Progress lines go to stderr so stdout carries only the result: with `--json` one JSON
 * document a workflow can parse, otherwise a short human summary.
 */
export class Reporter {
  constructor(
    private readonly io: Io,
    private readonly json: boolean,
  ) {}

  progress(message: string): void {
    this.io.stderr.write(`stable-copy: ${message}\n`);
  }

  /** The command's result: `summary` as JSON with `--json`, else `lines` as text. */
  result(summary: Record<string, unknown>, lines: string[]): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else this.io.stdout.write(`${lines.join('\n')}\n`);
  }
}

const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 123456789 → "117.7 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** On-demand price per TiB scanned (US multi-region list price; check your region and contract). */
const usdPerTiB = 6.25;

export function formatQueryCost(bytes: number): string {
  return `${formatBytes(bytes)} (~$${((bytes / 1024 ** 4) * usdPerTiB).toFixed(2)} on demand)`;
}
