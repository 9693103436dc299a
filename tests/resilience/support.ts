import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../../bench/load.js';
import { machineDescription, writeSection } from '../../bench/report.js';

/**
 * The load of the scenarios: a steady, capped rate well below what this machine serves flat out, so
 * latency figures measure the servers rather than the queue a saturating generator builds up.
 */
export const LOAD: LoadOptions = { connections: 32, rate: 2000 };

export interface ScenarioResult {
  scenario: string;
  requests: number;
  /** Failed requests: transport errors plus (where given) non-2xx answers. */
  errors: number;
  non2xx?: number;
  p50?: number;
  p99?: number;
  note: string;
}

const results: ScenarioResult[] = []; // this file's (vitest runs each test file in its own process)
export const record = (result: ScenarioResult) => results.push(result);

/**
 * Keeps what the file measured: always as `test-results/resilience-<name>.json`; and, with
 * WRITE_DOCS=1, as a table in docs/benchmarks.md (how the published numbers were produced).
 */
export function publish(name: string, title: string): void {
  const dir = fileURLToPath(new URL('../../test-results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}resilience-${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  if (process.env.WRITE_DOCS !== '1') return;
  const row = (r: ScenarioResult) =>
    `| ${r.scenario} | ${r.requests} | ${r.errors + (r.non2xx ?? 0)} | ${r.p50 ?? '–'} | ${r.p99 ?? '–'} | ${r.note} |`;
  writeSection(
    fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url)),
    `resilience:${name}`,
    `## Resilience: ${title}
Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.
Command: \`WRITE_DOCS=1 npm run test:resilience\` (the same assertions run in CI without WRITE_DOCS).
Load: wrk, ${LOAD.connections} connections capped at ${LOAD.rate} requests/s in all (\`tests/resilience/support.ts\`).

| scenario | requests | failed | p50 ms | p99 ms | notes |
|---|---|---|---|---|---|
${results.map(row).join('\n')}`,
  );
}
