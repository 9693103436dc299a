import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tableFingerprintHandler } from '@tilestack/bigquery-stub';
import { expect, it } from 'vitest';
import { startStub, sync } from './support.js';

const bin = new URL('../bin/stable-copy.js', import.meta.url).pathname;
const repoRoot = new URL('../../..', import.meta.url).pathname;

/** The bin as `npx stable-copy` runs it, from the repository root, with a clean environment. */
async function stableCopy(args: string[], env: Record<string, string> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'stable-copy-home-'));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: home, METADATA_SERVER_DETECTION: 'none', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it('the bin runs from the repository root: --help names every command', async () => {
  const run = await stableCopy(['--help']);
  expect(run.code).toBe(0);
  for (const command of ['sync', 'status', 'rollback', 'extract'])
    expect(run.stdout).toContain(`  ${command} `);
});

it('a hostile --source is refused with exit 2, naming it, without a stack trace', async () => {
  const hostile = 'carto-demo-data.demo_tilesets.osm_buildings`; DROP TABLE x; --';
  const run = await stableCopy(['sync', '--source', hostile, '--dest', 'p-roj.d.t']);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(hostile);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

it('no credentials: exit 3 with the gcloud hint', async () => {
  const run = await stableCopy(['status', '--dest', 'my-project.tilestack_stable.osm_buildings']);
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('gcloud auth application-default login');
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

it('a long query prints progress lines; bytes billed come from the finished job', async () => {
  const stub = await startStub();
  try {
    stub.setQueryHandlers((request) => {
      const answer = tableFingerprintHandler(request);
      return answer && { ...answer, runMs: 200, bytesProcessed: 50 * 1024 * 1024 };
    });
    const run = await sync(stub, '--verify', 'full');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/job \S+ RUNNING, \d+ s, [\d.]+ \w+ processed/); // state, elapsed, bytes
    expect(run.json.verification.bytesBilled).toBe(2 * 50 * 1024 * 1024);
  } finally {
    await stub.close();
  }
});
