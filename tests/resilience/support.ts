import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineDescription } from '../../bench/machine.js';
import { writeSection } from '../../bench/report.js';

export interface ScenarioResult {
  scenario: string;
  requests: number;
  failed: number;
  p50Ms?: number;
  p99Ms?: number;
  note: string;
}

const results: ScenarioResult[] = [];

export function record(result: ScenarioResult): void {
  results.push(result);
}

/**
 * Keeps what the suite measured: always as `test-results/resilience-<name>.json`; and, with
 * WRITE_DOCS=1, as a table in docs/benchmarks.md (how the published numbers were produced).
 */
export function publish(name: string, title: string): void {
  const dir = fileURLToPath(new URL('../../test-results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}resilience-${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  if (process.env.WRITE_DOCS !== '1') return;
  const rows = results.map(
    (r) =>
      `| ${r.scenario} | ${r.requests} | ${r.failed} | ${r.p50Ms ?? '–'} | ${r.p99Ms ?? '–'} | ${r.note} |`,
  );
  writeSection(
    fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url)),
    `resilience:${name}`,
    `## Resilience: ${title}
Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.
Command: \`WRITE_DOCS=1 npm run test:resilience\` (the same assertions run in CI without WRITE_DOCS).

| scenario | requests | failed | p50 ms | p99 ms | notes |
|---|---|---|---|---|---|
${rows.join('\n')}`,
  );
}

/** `count` URLs nobody requested before: the tile at `path` with a unique, non-current data version (the cache keeps `v`). */
export function uniqueMisses(path: string, count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, i) => `${path}?v=${tag}-${i}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
