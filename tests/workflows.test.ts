// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are GitHub Actions ${{ expressions }}
// actionlint + shellcheck, and the policies and behaviour actionlint cannot know (Actions cannot run here).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as lint from '../scripts/lint-workflows.js';

type Y = ReturnType<typeof parse>; // the YAML as parsed: any
const text = Object.fromEntries(lint.workflowFiles().map((f) => [basename(f), readFileSync(f, 'utf8')]));
const wf = Object.fromEntries(Object.entries(text).map(([name, source]) => [name, parse(source)]));
const jobs = Object.entries(wf).flatMap(([file, w]) =>
  Object.entries(w.jobs as Record<string, Y>).map(([id, job]) => ({ file, id, job })),
);
const steps = jobs.flatMap(({ job }) => job.steps ?? []);
const uses = (prefix: string, list = steps) => list.filter((s) => s.uses?.startsWith(prefix));
const needs = (job: { needs?: string | string[] }) => [job.needs ?? []].flat();
const [REG, SHA] = ['${{ vars.REGISTRY }}', '${{ github.sha }}'];
const wif = (job: Y): boolean =>
  uses('google-github-actions/auth@', job.steps ?? []).length > 0 ||
  Object.values<Y>(job.uses?.startsWith('./') ? wf[basename(job.uses)].jobs : {}).some(wif);
const temp = mkdtempSync(join(tmpdir(), 'workflows-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('workflow lint', () => {
  it('actionlint: nothing on ours; flags an untrusted input and a bad reusable-workflow call', async () => {
    expect(await lint.actionlintFindings()).toEqual([]);
    const dir = join(temp, '.github', 'workflows'); // a throwaway project: `.git` marks its root
    for (const d of [join(temp, '.git'), dir]) mkdirSync(d, { recursive: true });
    cpSync(join(lint.REPO_ROOT, '.github', 'workflows', 'deploy.yml'), join(dir, 'deploy.yml'));
    const a = 'a:\n    steps:\n      - run: echo "${{ github.event.issue.title }}"';
    const b =
      'b:\n    uses: ./.github/workflows/deploy.yml\n    with:\n      environment: dev\n      nope: x';
    writeFileSync(join(dir, 'bad.yml'), `on: pull_request\npermissions: {}\njobs:\n  ${a}\n  ${b}\n`);
    const messages = (await lint.actionlintFindings([join(dir, 'bad.yml')])).join('\n');
    expect(messages).toMatch(/potentially untrusted/);
    expect(messages).toMatch(/input "nope" is not defined/);
    expect(messages).toMatch(/input "api_image" is required/);
  });

  it('shellcheck: nothing on run: scripts and scripts/; flags an unquoted $D', () => {
    expect(lint.shellcheckFindings()).toEqual([]);
    const scripts = spawnSync('sh', ['-c', 'shellcheck scripts/*.sh scripts/*/*.sh'], {
      cwd: lint.REPO_ROOT,
    });
    expect(`${scripts.stdout}${scripts.stderr}`).toBe('');
    writeFileSync(join(temp, 'sc.yml'), 'on: push\njobs:\n  a:\n    steps:\n      - run: ls $D\n');
    expect(lint.shellcheckFindings([join(temp, 'sc.yml')])).toEqual([expect.stringMatching(/SC2086/)]);
  });
});

describe('policy', () => {
  it('pins every action by full commit SHA, its version in a comment, one commit per action', () => {
    const line = /^\s*(?:- )?uses: *(\S+)(?: *# *(\S+))?$/gm;
    const lines = Object.values(text).flatMap((s) => [...s.matchAll(line)]);
    expect(lines.length).toBe(steps.filter((s) => s.uses).length + jobs.filter(({ job }) => job.uses).length);
    const remote = lines.filter(([, ref]) => !ref?.startsWith('./'));
    const pinned = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;
    const bad = remote.filter(([, ref = '', v = '']) => !pinned.test(ref) || !/^v\d+\.\d+\.\d+$/.test(v));
    expect(bad.map(([line]) => line.trim())).toEqual([]);
    const actions = new Set(remote.map(([, ref]) => ref?.split('@')[0]));
    expect(new Set(remote.map(([, ref]) => ref)).size).toBe(actions.size);
  });

  it('least permissions: top level empty or read; id-token: write on exactly the jobs that use WIF', () => {
    for (const [file, w] of Object.entries(wf))
      expect(Object.values(w.permissions ?? { none: 'write' }), file).not.toContain('write');
    for (const { file, id, job } of jobs)
      expect(job.permissions?.['id-token'] === 'write', `${file} ${id}`).toBe(wif(job));
  });

  it('no long-lived keys: no secrets at all, every Google login through Workload Identity Federation', () => {
    for (const [file, source] of Object.entries(text))
      expect(source, file).not.toMatch(/secrets\.|credentials_json/);
    for (const step of uses('google-github-actions/auth@'))
      expect(step.with.workload_identity_provider).toMatch(/^\$\{\{ vars\.\w+ \}\}$/);
  });

  it('no token left by checkout, no expression in run:, bash -eo pipefail, timeouts, Node of .nvmrc', () => {
    for (const step of uses('actions/checkout@')) expect(step.with['persist-credentials']).toBe(false);
    for (const step of uses('actions/setup-node@'))
      expect(step.with).toEqual(expect.objectContaining({ 'node-version-file': '.nvmrc' }));
    expect(steps.filter((s) => s.run?.includes('${{'))).toEqual([]);
    for (const w of Object.values(wf)) expect(w.defaults.run.shell).toBe('bash');
    expect(jobs.filter(({ job }) => !job.uses && !job['timeout-minutes']).map(({ id }) => id)).toEqual([]);
  });

  it('environments dev, staging, prod (and shared): one at a time, infra right before each deploy', () => {
    const chain = ['infra-shared', 'infra-dev', 'dev', 'infra-staging', 'staging', 'infra-prod', 'prod'];
    chain.forEach((id, i) => {
      const job = wf['delivery.yml'].jobs[id];
      expect(job.uses).toBe(`./.github/workflows/${id.startsWith('infra-') ? 'pulumi-up' : 'deploy'}.yml`);
      expect(job.with.environment).toBe(id.replace('infra-', ''));
      if (i > 0) expect(needs(job)).toContain(chain[i - 1]);
    });
    const deploys = jobs.filter(({ job }) => job.uses?.endsWith('/deploy.yml')).map(({ job }) => job.with);
    expect(deploys.map((w) => w.environment)).toEqual(['dev', 'staging', 'prod']); // defined once, called 3 times
    for (const w of deploys) expect(w.api_image).toBe('${{ needs.release.outputs.api_image }}');
    const stacks = wf['infra.yml'].jobs.preview.strategy.matrix.include.map((m: Y) => m.stack);
    expect(stacks).toEqual(['shared', 'dev', 'staging', 'prod']); // each previewed on pull requests
    const environmentJobs = { 'deploy.yml': 'deploy', 'pulumi-up.yml': 'up', 'stable-copy.yml': 'sync' };
    for (const [file, id] of Object.entries(environmentJobs)) {
      const job = wf[file].jobs[id];
      expect(job.environment.name, file).toMatch(/^\$\{\{ (inputs|matrix)\.environment \}\}$/);
      expect(job.concurrency['cancel-in-progress'], file).toBe(false); // never cancelled halfway
    }
  });
});

describe('behaviour', () => {
  const deploy = wf['deploy.yml'].jobs.deploy.steps as Array<{ run?: string; if?: string }>;
  const script = (steps: Y[]) => steps.map((s) => `${s.if ?? ''}: ${s.run}`).join('\n');

  it('ci.yml runs the dev image test command; delivery publishes nothing that did not pass it', () => {
    const test = wf['ci.yml'].jobs.test.steps;
    const compose = parse(readFileSync(join(lint.REPO_ROOT, 'compose.yaml'), 'utf8')).services.test;
    const build = { file: compose.build.dockerfile, tags: compose.image };
    expect(uses('docker/build-push-action@', test)[0].with).toMatchObject(build);
    expect(test.map((s: { run?: string }) => s.run)).toContain('docker compose run --rm test');
    expect(wf['delivery.yml'].jobs.ci.uses).toBe('./.github/workflows/ci.yml');
    expect(needs(wf['delivery.yml'].jobs.publish)).toEqual(['ci']);
  });

  it('images fail on HIGH/CRITICAL; publish builds each once, tagged by commit, scans, signs, attests it', () => {
    const publish = wf['delivery.yml'].jobs.publish.steps;
    const builds = uses('docker/build-push-action@', publish).map((s) => s.with);
    const image = (i: string) => ({ file: `${i}/Dockerfile`, push: true, tags: `${REG}/${i}:${SHA}` });
    expect(builds).toMatchObject([image('api'), image('cache')]);
    expect(builds.map((b) => [b.sbom, b.provenance])).toEqual(Array(2).fill([true, 'mode=max']));
    const scans = uses('aquasecurity/trivy-action@').map((s) => `${s.with.severity} ${s.with['exit-code']}`);
    expect(scans).toEqual(Array(3).fill('HIGH,CRITICAL 1')); // ci.yml's image jobs, and publish's two
    expect(uses('actions/attest-build-provenance@', publish)).toHaveLength(2);
    expect(script(publish)).toMatch(/cosign sign --yes/);
  });

  it('deploy refuses anything but digests of a known environment and a commit SHA (its first step, in bash)', () => {
    const ref = `reg.example/p/api@sha256:${'ab'.repeat(32)}`;
    const env = { ENVIRONMENT: 'dev', COMMIT: 'a'.repeat(40), API_IMAGE: ref, CACHE_IMAGE: ref };
    const guard = (more: object) =>
      spawnSync('bash', ['-eo', 'pipefail', '-c', deploy[0]?.run ?? ''], { env: { ...env, ...more } }).status;
    expect(guard({})).toBe(0);
    const bad = `API_IMAGE=r.io/p/api:1 CACHE_IMAGE=${ref.slice(0, -1)} ENVIRONMENT=qa COMMIT=main`;
    for (const kv of bad.split(' ')) expect(guard(Object.fromEntries([kv.split('=')])), kv).toBe(1);
  });

  it("deploy: refuse an older commit, render that commit's manifests by digest, apply, wait, smoke; else undo", () => {
    const order = [
      /: deploy\/k8s\/scripts\/deployed-commit\.sh check "\$COMMIT"/,
      /git worktree add --detach "\$MANIFESTS" "\$COMMIT"\n.*set-images\.ts "\$MANIFESTS\//,
      /check\.ts --require-real-digest/,
      /rollout\.sh apply[\s\S]*rollout\.sh wait[\s\S]*wait-for-entry\.sh/,
      /npm run --silent smoke[\s\S]*deployed-commit\.sh record/,
      /failure\(\) && steps\.before\.outcome == 'success': scripts\/deploy\/rollout\.sh undo/,
    ];
    expect(script(deploy)).toMatch(new RegExp(order.map((re) => re.source).join('[\\s\\S]*')));
  });

  it('stable copy syncs as its identity, then bans the tileset on the cache when it published', () => {
    const sync = script(wf['stable-copy.yml'].jobs.sync.steps);
    expect(sync).toMatch(/stable-copy -- sync[\s\S]*'published' \|\| inputs\.ban: scripts\/ban-tileset\.sh/);
  });
});
