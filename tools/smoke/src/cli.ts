#!/usr/bin/env node
// npm run smoke -- --base-url URL [--tileset ID] [--table ID] [--tile z/x/y] [--json]
// Exit code: 0 every check passed, 1 a check failed, 2 bad usage.
import { parseArgs } from 'node:util';
import { type CheckResult, DEFAULT_TABLE, DEFAULT_TILESET, runSmoke, type SmokeReport } from './smoke.js';
import { parseTile } from './tiles.js';

const USAGE = `Usage: npm run smoke -- --base-url URL [options]

Checks a running tilestack through its public entry (the cache):
  tilejson   TileJSON of the tileset
  tile       a tile with data (TileJSON center at min(maxzoom, 14), or --tile) decodes as MVT
  cache-hit  the second request of that tile is X-Cache: HIT
  geojson    the GeoJSON table
  readyz     /readyz through the cache answers 200

Options:
  --base-url URL      where to test (or SMOKE_BASE_URL), e.g. https://tiles.example.com
  --tileset ID        tileset (default ${DEFAULT_TILESET})
  --table ID          GeoJSON table (default ${DEFAULT_TABLE})
  --geom-field NAME   geometry column of the table (default geom)
  --tile z/x/y        a tile known to hold data (or SMOKE_TILE; empty = TileJSON center)
  --timeout-ms N      per request (default 15000)
  --retries N         extra attempts after a network error or 5xx, 2 s apart (default 0)
  --json              print a JSON summary on stdout instead of one line per check
  -h, --help`;

function usage(message: string): never {
  process.stderr.write(`smoke: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function nonNegativeInt(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) usage(`--${name} must be a non-negative integer, got "${text}"`);
  return value;
}

function line(check: CheckResult): string {
  const label = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' }[check.status];
  return `${label} ${check.name.padEnd(9)} ${check.message}`;
}

function summary(report: SmokeReport): string {
  const count = (status: CheckResult['status']) => report.checks.filter((c) => c.status === status).length;
  const total = report.checks.length;
  const skipped = count('skip') > 0 ? `, ${count('skip')} skipped` : '';
  return report.ok
    ? `smoke: all ${total} checks passed against ${report.baseUrl} in ${report.durationMs} ms`
    : `smoke: FAILED against ${report.baseUrl}: ${count('fail')} of ${total} checks failed${skipped}`;
}

const OPTIONS = {
  'base-url': { type: 'string', default: process.env.SMOKE_BASE_URL },
  tileset: { type: 'string', default: DEFAULT_TILESET },
  table: { type: 'string', default: DEFAULT_TABLE },
  'geom-field': { type: 'string', default: 'geom' },
  tile: { type: 'string', default: process.env.SMOKE_TILE ?? '' },
  'timeout-ms': { type: 'string', default: '15000' },
  retries: { type: 'string', default: '0' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parse() {
  try {
    return parseArgs({ options: OPTIONS, allowPositionals: false });
  } catch (error) {
    usage((error as Error).message);
  }
}

async function main(): Promise<void> {
  const parsed = parse();
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const baseUrl = values['base-url'];
  if (!baseUrl) usage('--base-url is required');
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    usage(`--base-url must be an http(s) URL, got "${baseUrl}"`);
  }
  let tile: ReturnType<typeof parseTile> | undefined;
  try {
    tile = values.tile ? parseTile(values.tile) : undefined;
  } catch (error) {
    usage((error as Error).message);
  }

  const report = await runSmoke({
    baseUrl,
    tileset: values.tileset,
    table: values.table,
    geomField: values['geom-field'],
    tile,
    timeoutMs: nonNegativeInt('timeout-ms', values['timeout-ms']) || 15_000,
    retries: nonNegativeInt('retries', values.retries),
    retryDelayMs: 2000,
  });

  // With --json the summary owns stdout and the per-check lines go to stderr, so logs keep them.
  const lines = values.json ? process.stderr : process.stdout;
  for (const check of report.checks) lines.write(`${line(check)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`${summary(report)}\n`);
  process.exitCode = report.ok ? 0 : 1;
}

await main();
