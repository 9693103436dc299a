// `npm run bench` (bench/README.md) into docs/benchmarks.md; `-- --serve`: the targets, for a wrk from outside.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSampleData, SAMPLE_TILESET_ID, tileRange } from '@tilestack/api/sample-data';
import { cityBounds } from '@tilestack/api/sample-data/city';
import { sqliteEngine } from '@tilestack/api/sqlite';
import { freePort, ManagedProcess, startApi, startVarnish, waitForHttp } from '@tilestack/cache';
import { coldView } from './cold-view.js';
import { type LoadResult, load } from './load.js';
import { processStats } from './process-stats.js';
import { machineDescription, writeSection } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
// Other work on a shared machine comes and goes: targets take turns, each ratio is the rounds' median.
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const OPTIONS = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 64),
  threads: Number(process.env.BENCH_THREADS ?? 2),
};
// Above this share of a core per wrk thread, the generator rather than the server may set the pace.
const GENERATOR_LIMIT = 0.6;
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

const paths: string[] = [];
for (let z = 12; z <= 16; z++) {
  const { minX, maxX, minY, maxY } = tileRange(cityBounds(), z);
  for (let x = minX; x <= maxX; x++)
    for (let y = minY; y <= maxY; y++) paths.push(`/maps/tileset/${SAMPLE_TILESET_ID}/${z}/${x}/${y}`);
}

type Measured = LoadResult & { serverUsPerRequest: number };

/** Load against one target, with the CPU per request of its whole process tree. */
async function measure(label: string, url: string, pid: number): Promise<Measured> {
  await load(label, url, paths, 1, OPTIONS); // warm-up: JIT, connections, cache
  const before = (await processStats(pid)).cpuMs;
  const result = await load(label, url, paths, SECONDS, OPTIONS);
  const cpuMs = (await processStats(pid)).cpuMs - before;
  const serverUsPerRequest = Math.round((cpuMs * 1000) / Math.max(1, result.requests));
  console.error(
    `${label}: ${result.rps} req/s, p99 ${result.p99} ms, server ${serverUsPerRequest} µs/request, wrk ${result.generatorUsPerRequest} µs/request (${Math.round(result.generatorCoreShare * 100)} % of a core per thread)`,
  );
  return { ...result, serverUsPerRequest };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'tilestack-bench-'));
generateSampleData(dataDir);
const minimalUrl = `http://127.0.0.1:${await freePort()}`;
const minimalArgs = ['--import', 'tsx', fileURLToPath(new URL('./minimal-server.ts', import.meta.url))];
minimalArgs.push(minimalUrl, join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`));
const minimal = ManagedProcess.start('minimal', process.execPath, minimalArgs);
// Production settings; the rate limit runs (and costs what it costs) with a limit wrk, one client, cannot reach.
const api = await startApi({ DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '1000000000' });
const varnish = await startVarnish({ backends: [api.port] });
const targets: [string, string, number][] = [
  [`minimal node:http + ${sqliteEngine()}`, minimalUrl, minimal.child.pid ?? 0],
  ['tilestack API direct', api.url, api.process.child.pid ?? 0],
  ['Varnish cache hits → API', varnish.url, varnish.process.child.pid ?? 0],
];
const serving = process.argv.includes('--serve');
const rounds: Measured[][] = [];
const rss: number[] = [];
try {
  await minimal.readyOrExit(waitForHttp(`${minimalUrl}${paths[0]}`));
  if (serving) await serve();
  for (let round = 0; !serving && round < ROUNDS; round++) {
    rounds.push([]);
    for (const [label, url, pid] of targets) rounds[round]?.push(await measure(label, url, pid));
  }
  for (const [, , pid] of targets) rss.push((await processStats(pid)).rssMiB);
} finally {
  await varnish.stop();
  await api.process.stop();
  await minimal.stop();
}
if (serving) process.exit(0);

/** Keeps the targets up and prints what to run against them, until Ctrl-C or SIGTERM. */
async function serve(): Promise<void> {
  const file = join(dataDir, 'paths');
  writeFileSync(file, `${paths.join('\n')}\n`);
  const script = fileURLToPath(new URL('./wrk.lua', import.meta.url));
  for (const [label, url] of targets) {
    console.log(
      `# ${label}\nBENCH_PATHS=${file} BENCH_THREADS=${OPTIONS.threads} wrk -t${OPTIONS.threads} -c${OPTIONS.connections} -d${SECONDS}s -H 'accept-encoding: gzip' -s ${script} ${url}`,
    );
  }
  await new Promise((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
}

const rows = targets.map(([label], i) => {
  const runs = rounds.map((r) => r[i] as Measured);
  const of = (pick: (m: Measured) => number) => median(runs.map(pick));
  const ratio = median(rounds.map((r) => (r[i]?.rps ?? 0) / (r[0]?.rps ?? 1)));
  const share = Math.max(...rounds.flatMap((r) => [r[0], r[i]]).map((m) => m?.generatorCoreShare ?? 0));
  const verdict =
    share > GENERATOR_LIMIT ? 'refused: the generator was the limit' : `**${ratio.toFixed(2)}×**`;
  return `| ${label} | ${of((m) => m.rps)} | ${of((m) => m.p50)} | ${of((m) => m.p99)} | ${of((m) => m.serverUsPerRequest)} | ${of((m) => m.generatorUsPerRequest)} | ${Math.round(share * 100)} % | ${rss[i]} | ${runs.reduce((n, m) => n + m.errors + m.non2xx, 0)} | ${verdict} |`;
});
const body = `## Tile throughput (\`npm run bench\`)
Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}.
Command: \`npm run bench\` (wrk -t${OPTIONS.threads} -c${OPTIONS.connections}, ${SECONDS} s per target after a 1 s warm-up, ${ROUNDS} interleaved rounds, medians;
${paths.length} distinct tile URLs at z12–16 over the sample city, a mix of 200 and 204, \`accept-encoding: gzip\`).

| target | tiles/s | p50 ms | p99 ms | server CPU µs/request | wrk CPU µs/request | wrk, share of a core per thread (max) | RSS MiB | errors | vs minimal (median of rounds) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Targets: API direct ≥ 0.8× the minimal server; Varnish hits ≥ 2.2× with p99 ≤ 10 ms. A ratio is refused when
wrk used more than ${GENERATOR_LIMIT * 100} % of a core per thread in any round of it or of the minimal server.`;
writeSection(DOC, 'bench:tiles', body);
console.log(body);
const view = await coldView();
writeSection(DOC, 'bench:cold-view', view);
console.log(view);
process.exit(rounds.flat().some((m) => m.errors + m.non2xx > 0) ? 1 : 0);
