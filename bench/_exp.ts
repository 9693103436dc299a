import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSampleData, SAMPLE_TILESET_ID, tileRange } from '../api/src/sample-data/generate.js';
import { cityBounds } from '../api/src/sample-data/city.js';
import { ManagedProcess } from '../cache/src/process.js';
import { freePort, waitForHttp } from '../cache/src/ports.js';
import { startApi } from '../cache/src/api-process.js';
import { environmentVcl } from '../cache/src/environment-vcl.js';
import { CACHE_DIR, POLICY_VCL } from '../cache/src/paths.js';
const dataDir = mkdtempSync(join(tmpdir(), 'exp-'));
generateSampleData(dataDir);
const paths: string[] = [];
for (let z = 12; z <= 16; z++) { const { minX, maxX, minY, maxY } = tileRange(cityBounds(), z);
  for (let x = minX; x <= maxX; x++) for (let y = minY; y <= maxY; y++) paths.push(`/maps/tileset/${SAMPLE_TILESET_ID}/${z}/${x}/${y}`); }
writeFileSync('/tmp/exp-paths', paths.join('\n') + '\n');
const mp = await freePort();
const minimal = ManagedProcess.start('m', process.execPath, ['--import', 'tsx', 'bench/minimal-server.ts', join(dataDir, `${SAMPLE_TILESET_ID}.mbtiles`), String(mp)]);
await minimal.readyOrExit(waitForHttp(`http://127.0.0.1:${mp}${paths[0]}`));
const api = await startApi({ DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '0' });
console.log(`minimal http://127.0.0.1:${mp}`); console.log(`api ${api.url}`);
const variants: Record<string, string[]> = JSON.parse(process.env.VARIANTS ?? '{}');
for (const [name, extra] of Object.entries(variants)) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'expv-'));
  writeFileSync(join(dir, 'environment.vcl'), environmentVcl([{ host: '127.0.0.1', port: api.port }]));
  const v = ManagedProcess.start(name, 'varnishd', ['-F', '-j', 'none', '-n', join(dir, 'work'), '-a', `127.0.0.1:${port}`, '-T', 'none', '-f', POLICY_VCL, '-p', `vcl_path=${dir}:${CACHE_DIR}`, '-s', 'malloc,256m', '-s', 'Transient=malloc,64m', ...extra]);
  await v.readyOrExit(waitForHttp(`http://127.0.0.1:${port}/_cache/health`, 20000));
  console.log(`${name} http://127.0.0.1:${port}`);
}
console.log('READY');
await new Promise((r) => process.once('SIGTERM', r));
process.exit(0);
