import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const bin = new URL('../bin/stable-copy.js', import.meta.url).pathname;
const hostile = 'carto-demo-data.demo_tilesets.osm_buildings`; DROP TABLE x; --';

// The bin as `npx stable-copy` runs it, from the repository root, in a clean environment (no credentials).
it.each([
  [['--help'], 0, / {2}sync .*\n {2}status .*\n {2}rollback .*\n {2}extract /],
  [['sync', '--source', hostile, '--dest', 'p-roj.d.t'], 2, hostile],
  [
    ['status', '--dest', 'my-project.tilestack_stable.osm_buildings'],
    3,
    'gcloud auth application-default login',
  ],
])('%j exits %i, says so, no stack trace', (args, code, says) => {
  const home = mkdtempSync(join(tmpdir(), 'stable-copy-home-'));
  const env = { PATH: process.env.PATH, HOME: home, METADATA_SERVER_DETECTION: 'none' };
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: new URL('../../..', import.meta.url),
    env,
    encoding: 'utf8',
  });
  expect(run.status).toBe(code);
  expect(run.stdout + run.stderr).toMatch(says);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});
