/**
 * `npm run bench`: tile throughput and latency of (1) a minimal node:http + better-sqlite3 server,
 * (2) the API direct and (3) cache hits through varnishd in front of the API — same machine, same
 * sample tileset, same random tile URLs, one run. Writes the table into docs/benchmarks.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cityBounds } from '../api/src/sample-data/city.js';
import { generateSampleData, SAMPLE_TILESET_ID, tileRange } from '../api/src/sample-data/generate.js';
import { sqliteEngine } from '../api/src/sources/mbtiles/sqlite.js';
import { startApi } from '../cache/src/api-process.js';
import { freePort, waitForHttp } from '../cache/src/ports.js';
import { ManagedProcess } from '../cache/src/process.js';
import { startVarnish } from '../cache/src/varnish.js';
import { type LoadResult, load } from './load.js';
import { machineDescription } from './machine.js';
import { cpuMs, rssMiB } from './process-stats.js';
import { writeSection } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// Targets are measured in interleaved rounds and the best round of each is kept: on a 2-core machine
// that also runs the load generator, one unlucky scheduling burst should not decide a comparison.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

function tilePaths(minZoom: number, maxZoom: number): string[] {
  const paths: string[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const { minX, maxX, minY, maxY } = tileRange(cityBounds(), z);
    for (let x = minX; x <= maxX; x++) {
      for (let y = minY; y <= maxY; y++) paths.push(`/maps/tileset/${SAMPLE_TILESET_ID}/${z}/${x}/${y}`);
    }
  }
  return paths;
}

interface Measured extends LoadResult {
  cpuUsPerRequest: number;
  rssMiB: number;
}

/** Load against one target, with the server's own CPU per request and memory (its whole process tree). */
async function measure(label: string, url: string, pid: number): Promise<Measured> {
  await load(`${label} (warm-up)`, url, paths, 2, CONNECTIONS, WORKERS);
  const before = cpuMs(pid);
  const result = await load(label, url, paths, SECONDS, CONNECTIONS, WORKERS);
  const cpuUsPerRequest = Math.round(((cpuMs(pid) - before) * 1000) / Math.max(1, result.requests));
  const measured = { ...result, cpuUsPerRequest, rssMiB: rssMiB(pid) };
  console.error(
    `${label}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, server ${cpuUsPerRequest} µs CPU/request`,
  );
  return measured;
}

const dataDir = mkdtempSync(join(tmpdir(), 'tilestack-bench-'));
generateSampleData(dataDir);
const paths = tilePaths(Number(process.env.BENCH_MIN_ZOOM ?? 12), 16);

const minimalPort = await freePort();
const minimal = ManagedProcess.start('minimal', process.execPath, [
  '--import',
  'tsx',
  fileURLToPath(new URL('./minimal-server.ts', import.meta.url)),
  join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`),
  String(minimalPort),
]);
// Production settings, except the per-client rate limit: the load generator is a single client.
const api = await startApi({ DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0' });
const varnish = await startVarnish({ backends: [{ host: '127.0.0.1', port: api.port }], size: '256m' });
const results: Measured[] = [];
try {
  await minimal.readyOrExit(waitForHttp(`http://127.0.0.1:${minimalPort}${paths[0]}`));
  const targets: [string, string, number][] = [
    [`minimal node:http + ${sqliteEngine()}`, `http://127.0.0.1:${minimalPort}`, minimal.child.pid ?? 0],
    ['tilestack API direct', api.url, api.process.child.pid ?? 0],
    ['Varnish cache hits → API', varnish.url, varnish.process.child.pid ?? 0],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [label, url, pid]] of targets.entries()) {
      const result = await measure(label, url, pid);
      const best = results[i];
      if (!best || result.rps > best.rps) results[i] = result;
    }
  }
} finally {
  await varnish.stop();
  await api.process.stop();
  await minimal.stop();
}

const [base, direct, cached] = results as [Measured, Measured, Measured];
const ratio = (r: Measured) => `${Math.round((r.rps / base.rps) * 100)} %`;
const rows = results.map(
  (r) =>
    `| ${r.label} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.cpuUsPerRequest} | ${r.rssMiB} | ${r.requests} | ${r.non2xx + r.errors} | ${ratio(r)} |`,
);
const body = `## Tile throughput (\`npm run bench\`)
Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.
Command: \`npm run bench\` (${SECONDS} s per target after a 2 s warm-up, ${CONNECTIONS} connections, autocannon on
${WORKERS} worker threads, best of ${ROUNDS} interleaved rounds; ${paths.length} distinct tile URLs at z12–16 over the sample city, a mix of 200 and 204).

| target | tiles/s | p50 ms | p99 ms | server CPU µs/request | RSS MiB | requests | errors | tiles/s vs minimal |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets: API direct ≥ 70 % of the minimal server (**${ratio(direct)}**); Varnish hits ≥ 1.8× the minimal
server (**${(cached.rps / base.rps).toFixed(2)}×**) with a p99 no worse than the API direct
(**${cached.p99} ms vs ${direct.p99} ms**).`;
writeSection(DOC, 'bench:tiles', body);
console.log(body);
const efficiency = (r: Measured) => (base.cpuUsPerRequest / Math.max(1, r.cpuUsPerRequest)).toFixed(1);
console.error(
  `server CPU per request vs minimal: API ${efficiency(direct)}×, Varnish ${efficiency(cached)}×`,
);
const failed = results.some((r) => r.errors > 0 || r.non2xx > 0);
process.exit(failed ? 1 : 0);
