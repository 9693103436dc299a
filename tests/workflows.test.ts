// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are GitHub Actions ${{ expressions }}
// Policies of the GitHub Actions workflows, checked offline over their YAML (GitHub Actions cannot run
// here), plus actionlint + shellcheck over every workflow, and the scripts the workflows call, run for
// real (against a fake kubectl where a cluster would be needed).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseImageArg, setImages } from '../scripts/deploy/set-images.js';
import {
  actionlintFindings,
  format,
  hasShellcheck,
  REPO_ROOT,
  shellcheckFindings,
  workflowFiles,
} from '../scripts/lint-workflows.js';

// ---------------------------------------------------------------------------------------------------
// The workflows as data
// ---------------------------------------------------------------------------------------------------

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  environment?: string | { name: string; url?: string };
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  container?: string | { image: string };
  strategy?: { matrix?: Record<string, unknown> };
  'timeout-minutes'?: number;
  steps?: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  defaults?: { run?: { shell?: string } };
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const files = workflowFiles();
const text = Object.fromEntries(files.map((f) => [basename(f), readFileSync(f, 'utf8')]));
const workflows = Object.fromEntries(
  Object.entries(text).map(([name, source]) => [name, parse(source) as Workflow]),
) as Record<string, Workflow>;

function workflow(name: string): Workflow {
  const wf = workflows[name];
  if (!wf) throw new Error(`.github/workflows/${name} is missing`);
  return wf;
}

function allJobs(): Array<{ file: string; id: string; job: Job }> {
  return Object.entries(workflows).flatMap(([file, wf]) =>
    Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })),
  );
}

function allSteps(): Array<{ file: string; job: string; step: Step }> {
  return allJobs().flatMap(({ file, id, job }) => (job.steps ?? []).map((step) => ({ file, job: id, step })));
}

const usesWif = (job: Job) =>
  (job.steps ?? []).some(
    (s) =>
      s.uses?.startsWith('google-github-actions/auth@') &&
      typeof s.with?.workload_identity_provider === 'string',
  );

const calledWorkflow = (job: Job) => (job.uses?.startsWith('./') ? basename(job.uses) : undefined);

const needsOf = (job: Job) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

/** Runs one step's `run:` script in bash with the given environment, as the runner would. */
function runStep(step: Step, env: Record<string, string>) {
  return spawnSync('bash', ['-e', '-o', 'pipefail', '-c', step.run ?? ''], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER_DIGEST = `sha256:${'cd'.repeat(32)}`;
const REGISTRY = 'us-central1-docker.pkg.dev/tilestack-shared/tilestack';

// ---------------------------------------------------------------------------------------------------

describe('workflow lint', () => {
  it('actionlint reports nothing on any workflow', async () => {
    const findings = await actionlintFindings(files);
    expect(format(findings)).toBe('');
  });

  it('actionlint is not vacuous: it flags a broken workflow and a bad reusable-workflow call', async () => {
    // A throwaway project (not this repository's .github: other test files read it in parallel).
    const project = tempDir('actionlint-');
    const dir = join(project, '.github', 'workflows');
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(project, '.git')); // how actionlint recognises a project root
    cpSync(join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'), join(dir, 'deploy.yml'));
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      [
        'on: pull_request',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo "${{ github.event.pull_request.title }}"',
        '  b:',
        '    uses: ./.github/workflows/deploy.yml',
        '    with:',
        '      environment: dev',
        '      api_image: x',
        '      no_such_input: x',
      ].join('\n'),
    );
    const messages = (await actionlintFindings([broken])).map((f) => f.message).join('\n');
    expect(messages).toMatch(/potentially untrusted/);
    expect(messages).toMatch(/input "no_such_input" is not defined/);
    expect(messages).toMatch(/input "cache_image" is required/);
  });

  it.skipIf(!hasShellcheck())('shellcheck reports nothing on the run: scripts and on scripts/*.sh', () => {
    expect(format(shellcheckFindings(files))).toBe('');
    const scripts = [
      'scripts/ban-tileset.sh',
      'scripts/deploy/rollout.sh',
      'scripts/release/existing-digest.sh',
    ];
    scripts.push('scripts/release/image-refs.sh');
    const result = spawnSync('shellcheck', scripts, { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!hasShellcheck())(
    'shellcheck is not vacuous: it flags an unquoted variable in a run: script',
    () => {
      const file = join(tempDir('shellcheck-'), 'wf.yml');
      writeFileSync(
        file,
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: ls $DIR\n',
      );
      expect(shellcheckFindings([file]).map((f) => f.message)).toEqual([expect.stringMatching(/SC2086/)]);
    },
  );
});

describe('supply chain: every third-party action is pinned to a commit', () => {
  const usesLine = /^\s*(?:-\s+)?uses:\s*['"]?([^'"\s#]+)['"]?\s*(?:#\s*(.*))?$/;
  const lines = Object.entries(text).flatMap(([file, source]) =>
    source
      .split('\n')
      .map((line, i) => ({ file, line: i + 1, match: usesLine.exec(line) }))
      .filter((l) => l.match),
  );

  it('finds every uses: of the parsed workflows on its own line', () => {
    const parsed = [
      ...allSteps().flatMap(({ step }) => (step.uses ? [step.uses] : [])),
      ...allJobs().flatMap(({ job }) => (job.uses ? [job.uses] : [])),
    ];
    expect(lines.map((l) => l.match?.[1]).sort()).toEqual(parsed.sort());
  });

  it('pins owner/repo@<40-hex sha> with a "# vX.Y.Z" comment, or is a local workflow', () => {
    const bad = lines.filter(({ match }) => {
      const [, ref = '', comment] = match as RegExpExecArray;
      if (ref.startsWith('./')) return false;
      return !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) || !/^v\d+\.\d+\.\d+$/.test(comment ?? '');
    });
    expect(bad.map((b) => `${b.file}:${b.line}: ${b.match?.[0].trim()}`)).toEqual([]);
  });

  it('uses one commit per action across all workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const { match } of lines) {
      const ref = match?.[1] ?? '';
      if (ref.startsWith('./')) continue;
      const [action = '', sha = ''] = ref.split('@');
      pins.set(action, (pins.get(action) ?? new Set()).add(sha));
    }
    const multiple = [...pins].filter(([, shas]) => shas.size > 1).map(([action]) => action);
    expect(multiple).toEqual([]);
  });

  it('pins job containers by digest', () => {
    const containers = allJobs().flatMap(({ job }) =>
      job.container ? [typeof job.container === 'string' ? job.container : job.container.image] : [],
    );
    for (const image of containers) expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('checks out without persisting the GitHub token', () => {
    const checkouts = allSteps().filter(({ step }) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const { step } of checkouts) expect(step.with?.['persist-credentials']).toBe(false);
  });
});

describe('permissions and identity', () => {
  it('top-level permissions are empty or read-only', () => {
    for (const [file, wf] of Object.entries(workflows)) {
      expect(wf.permissions, file).toBeDefined();
      expect(typeof wf.permissions, file).toBe('object');
      for (const value of Object.values(wf.permissions as Record<string, string>))
        expect(value, file).toBe('read');
    }
  });

  it('grants id-token: write only to jobs that use Workload Identity Federation', () => {
    for (const { file, id, job } of allJobs()) {
      const perms = typeof job.permissions === 'object' ? job.permissions : {};
      if (perms['id-token'] !== 'write') continue;
      const called = calledWorkflow(job);
      const wif = called ? Object.values(workflow(called).jobs).some((j) => usesWif(j)) : usesWif(job);
      expect(wif, `${file} jobs.${id} has id-token: write without WIF`).toBe(true);
    }
  });

  it('every job that authenticates to Google Cloud has id-token: write, and no other job does', () => {
    for (const { file, id, job } of allJobs()) {
      if (!usesWif(job)) continue;
      const perms = typeof job.permissions === 'object' ? job.permissions : {};
      expect(perms['id-token'], `${file} jobs.${id}`).toBe('write');
    }
  });

  it('never uses a service-account key: no credentials_json, no key secrets, no key file written', () => {
    for (const [file, source] of Object.entries(text)) {
      expect(source, file).not.toMatch(/credentials_json/);
      expect(source, file).not.toMatch(
        /GOOGLE_CREDENTIALS|GCP_SA_KEY|SERVICE_ACCOUNT_KEY|GOOGLE_APPLICATION_CREDENTIALS:/,
      );
      expect(source, file).not.toMatch(/base64\s+(-d|--decode)/);
      expect(source, file).not.toMatch(/key\.json|keyfile/i);
      // Identity is federated: the workflows use no repository secret at all.
      expect(source, file).not.toMatch(/secrets\./);
    }
    for (const { step } of allSteps()) {
      if (step.uses?.startsWith('google-github-actions/auth@')) {
        expect(Object.keys(step.with ?? {})).toEqual(expect.arrayContaining(['workload_identity_provider']));
        expect(step.with?.service_account).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
      }
    }
  });

  it('never interpolates expressions into run: scripts (values reach the shell through env)', () => {
    const offenders = allSteps().filter(({ step }) => step.run?.includes('${{'));
    expect(offenders.map(({ file, job, step }) => `${file} ${job}: ${step.name ?? step.run}`)).toEqual([]);
  });

  it('runs every script with bash -eo pipefail (defaults.run.shell: bash), so a failure piped into tee fails', () => {
    for (const [file, wf] of Object.entries(workflows)) expect(wf.defaults?.run?.shell, file).toBe('bash');
  });

  it('bounds every job with timeout-minutes (reusable-workflow calls bound their own jobs)', () => {
    const unbounded = allJobs().filter(({ job }) => !job.uses && typeof job['timeout-minutes'] !== 'number');
    expect(unbounded.map(({ file, id }) => `${file} ${id}`)).toEqual([]);
  });
});

describe('Node comes from .nvmrc', () => {
  it('every setup-node step reads node-version-file: .nvmrc and nothing else pins Node', () => {
    const setups = allSteps().filter(({ step }) => step.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const { file, job, step } of setups) {
      expect(step.with?.['node-version-file'], `${file} ${job}`).toBe('.nvmrc');
      expect(step.with?.['node-version'], `${file} ${job}`).toBeUndefined();
    }
  });

  it('every job that runs npm sets Node up first', () => {
    for (const { file, id, job } of allJobs()) {
      const steps = job.steps ?? [];
      // (`docker compose run --rm test npm ...` runs npm in the dev image, with its own Node.)
      const firstNpm = steps.findIndex((s) => /^(?!docker compose run)[\s\S]*\bnpm\b/.test(s.run ?? ''));
      if (firstNpm < 0) continue;
      const setup = steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
      expect(setup, `${file} ${id}`).toBeGreaterThanOrEqual(0);
      expect(setup, `${file} ${id}`).toBeLessThan(firstNpm);
    }
  });
});

describe('ci.yml: the repository test command on Debian', () => {
  const ci = workflow('ci.yml');
  const test = ci.jobs.test as Job;
  const runs = (test.steps ?? []).map((s) => s.run ?? '').join('\n');

  it('runs on pull requests and is what delivery runs first on every push to main', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'workflow_call']));
    const delivery = workflow('delivery.yml');
    expect(delivery.jobs.ci?.uses).toBe('./.github/workflows/ci.yml');
    expect(needsOf(delivery.jobs.publish as Job)).toContain('ci');
  });

  it('runs npm test in the dev image, through the command developers run: docker compose run --rm test', () => {
    const build = test.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ file: '.devcontainer/Dockerfile', load: true, push: false });
    const compose = parse(readFileSync(join(REPO_ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { image?: string; build?: { dockerfile?: string } }>;
    };
    expect(compose.services.test?.build?.dockerfile).toBe('.devcontainer/Dockerfile');
    expect(String(build?.with?.tags)).toBe(compose.services.test?.image);
    expect(runs).toMatch(/^docker compose run --rm test$/m);
    // The same command as .ci/run and the README.
    expect(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('builds both images with a layer cache and fails on fixable HIGH/CRITICAL vulnerabilities', () => {
    const images = ci.jobs.images as Job;
    expect(images.strategy?.matrix?.image).toEqual(['api', 'cache']);
    const build = images.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(build?.with).toMatchObject({ context: '.', push: false });
    expect(String(build?.with?.['cache-from'])).toMatch(/type=gha/);
    const scan = images.steps?.find((s) => s.uses?.startsWith('aquasecurity/trivy-action@'));
    expect(scan?.with).toMatchObject({ severity: 'HIGH,CRITICAL', 'ignore-unfixed': true, 'exit-code': '1' });
  });
});

describe('delivery: build once, promote the same digests dev -> staging -> prod', () => {
  const delivery = workflow('delivery.yml');
  const deploy = workflow('deploy.yml');
  const deployJob = deploy.jobs.deploy as Job;

  it('defines the deploy workflow once (workflow_call only) and calls it exactly three times', () => {
    expect(Object.keys(deploy.on)).toEqual(['workflow_call']);
    const calls = allJobs().filter(({ job }) => calledWorkflow(job) === 'deploy.yml');
    expect(calls.map(({ file, job }) => `${file}:${job.with?.environment}`).sort()).toEqual([
      'delivery.yml:dev',
      'delivery.yml:prod',
      'delivery.yml:staging',
    ]);
  });

  it('chains the environments: staging needs dev, prod needs staging, all take the released digests', () => {
    const byEnv = Object.fromEntries(
      Object.entries(delivery.jobs)
        .filter(([, job]) => calledWorkflow(job) === 'deploy.yml')
        .map(([id, job]) => [job.with?.environment as string, { id, job }]),
    );
    expect(needsOf(byEnv.staging?.job as Job)).toContain(byEnv.dev?.id);
    expect(needsOf(byEnv.prod?.job as Job)).toContain(byEnv.staging?.id);
    for (const { job } of Object.values(byEnv)) {
      expect(job.with?.api_image).toBe('${{ needs.release.outputs.api_image }}');
      expect(job.with?.cache_image).toBe('${{ needs.release.outputs.cache_image }}');
    }
  });

  it('runs the prod deploy in the GitHub Environment `prod`', () => {
    const prod = Object.values(delivery.jobs).find(
      (j) => j.with?.environment === 'prod' && j.uses === './.github/workflows/deploy.yml',
    );
    expect(prod).toBeDefined();
    expect(deployJob.environment).toMatchObject({ name: '${{ inputs.environment }}' });
  });

  it('builds and pushes each image once, tagged with the commit SHA, with SBOM, provenance and signatures', () => {
    const publish = delivery.jobs.publish as Job;
    const builds = (publish.steps ?? []).filter((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(builds.map((b) => b.with?.file)).toEqual(['api/Dockerfile', 'cache/Dockerfile']);
    for (const build of builds) {
      expect(build.with).toMatchObject({
        context: '.',
        push: true,
        provenance: 'mode=max',
        sbom: true,
        // Apple Silicon laptops run the same images as the clusters.
        platforms: 'linux/amd64,linux/arm64',
      });
      expect(build.with?.tags).toMatch(/^\$\{\{ vars\.REGISTRY \}\}\/(api|cache):\$\{\{ github\.sha \}\}$/);
    }
    const steps = publish.steps ?? [];
    expect(steps.some((s) => s.uses?.startsWith('docker/setup-qemu-action@'))).toBe(true);
    expect(steps.some((s) => /cosign sign --yes/.test(s.run ?? ''))).toBe(true);
    expect(steps.filter((s) => s.uses?.startsWith('actions/attest-build-provenance@'))).toHaveLength(2);
    expect(steps.filter((s) => s.uses?.startsWith('aquasecurity/trivy-action@'))).toHaveLength(2);
    const binauthz = delivery.jobs.binauthz as Job;
    expect(
      (binauthz.steps ?? []).some((s) => /binauthz attestations sign-and-create/.test(s.run ?? '')),
    ).toBe(true);
    expect(needsOf(delivery.jobs.release as Job)).toEqual(expect.arrayContaining(['publish', 'binauthz']));
  });

  it('deploys digests only: dispatch inputs and the deploy inputs are validated, tags refused', () => {
    const inputs = (delivery.on.workflow_dispatch as { inputs: Record<string, unknown> }).inputs;
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(['api_digest', 'cache_digest']));
    const release = (delivery.jobs.release as Job).steps?.find((s) => s.id === 'refs');
    expect(release?.run).toMatch(/scripts\/release\/image-refs\.sh/);

    const imageRefs = join(REPO_ROOT, 'scripts', 'release', 'image-refs.sh');
    const ok = spawnSync(imageRefs, [REGISTRY, DIGEST, OTHER_DIGEST], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`api=${REGISTRY}/api@${DIGEST}\ncache=${REGISTRY}/cache@${OTHER_DIGEST}\n`);
    for (const bad of ['latest', 'v1.2.3', `sha256:${'AB'.repeat(32)}`, `sha256:${'ab'.repeat(31)}`, '']) {
      const refused = spawnSync(imageRefs, [REGISTRY, bad, DIGEST], { encoding: 'utf8' });
      expect(refused.status, bad).toBe(2);
      expect(refused.stderr).toMatch(/\^sha256:\[0-9a-f\]\{64\}\$/);
    }
  });

  it("deploy.yml's first step refuses anything but REPOSITORY@sha256:<digest> (the step, run in bash)", () => {
    const guard = deployJob.steps?.[0] as Step;
    expect(guard.name).toMatch(/digest/i);
    const env = { ENVIRONMENT: 'dev', COMMIT: 'a'.repeat(40) };
    const good = runStep(guard, {
      ...env,
      API_IMAGE: `${REGISTRY}/api@${DIGEST}`,
      CACHE_IMAGE: `${REGISTRY}/cache@${DIGEST}`,
    });
    expect(good.status, good.stdout + good.stderr).toBe(0);
    for (const bad of [
      `${REGISTRY}/api:latest`,
      `${REGISTRY}/api:${DIGEST}`,
      `${REGISTRY}/api@sha256:abc`,
      'api',
    ]) {
      const refused = runStep(guard, { ...env, API_IMAGE: bad, CACHE_IMAGE: `${REGISTRY}/cache@${DIGEST}` });
      expect(refused.status, bad).toBe(1);
      expect(refused.stdout).toMatch(/tags are refused/);
    }
    const unknownEnv = runStep(guard, { ...env, ENVIRONMENT: 'qa', API_IMAGE: '', CACHE_IMAGE: '' });
    expect(unknownEnv.status).toBe(1);
    const images = { API_IMAGE: `${REGISTRY}/api@${DIGEST}`, CACHE_IMAGE: `${REGISTRY}/cache@${DIGEST}` };
    expect(runStep(guard, { ...env, ...images, COMMIT: 'main' }).status).toBe(1);
  });

  it("pins the images in the commit's own overlay, applies what check.ts passed, waits for a new entry, then smokes", () => {
    const steps = deployJob.steps ?? [];
    const index = (re: RegExp) => steps.findIndex((s) => re.test(s.run ?? ''));
    const guard = index(/deployed-commit\.sh check "\$COMMIT"/);
    const render = index(/git worktree add --detach "\$MANIFESTS" "\$COMMIT"/);
    const order = [
      guard,
      render,
      index(/rollout\.sh apply "\$RUNNER_TEMP\/rendered\.yaml"/),
      index(/rollout\.sh wait/),
      index(/wait-for-entry\.sh/),
      index(/npm run --silent smoke -- --base-url "\$PUBLIC_URL" --retries "\$RETRIES"/),
      index(/deployed-commit\.sh record "\$COMMIT"/),
    ];
    expect(order[0]).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(steps[render]?.run).toMatch(/set-images\.ts "\$MANIFESTS\/deploy\/k8s\/overlays\/\$ENVIRONMENT"/);
    expect(steps[render]?.run).toMatch(/tilestack-api=\$API_IMAGE" "tilestack-cache=\$CACHE_IMAGE/);
    expect(steps[render]?.run).toMatch(/check\.ts --require-real-digest "\$RUNNER_TEMP\/rendered\.yaml"/);
    const checkout = steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    const gke = steps.find((s) => s.uses?.startsWith('google-github-actions/get-gke-credentials@'));
    expect(gke?.with?.use_dns_based_endpoint).toBe(true);
  });

  it('rolls back automatically when the rollout or the smoke test fails', () => {
    const steps = deployJob.steps ?? [];
    const rollback = steps.findIndex((s) => /rollout\.sh undo/.test(s.run ?? ''));
    const smoke = steps.findIndex((s) => /smoke -- --base-url/.test(s.run ?? ''));
    const wait = steps.findIndex((s) => /rollout\.sh wait/.test(s.run ?? ''));
    expect(rollback).toBeGreaterThan(Math.max(smoke, wait));
    expect(steps[rollback]?.if).toMatch(/^failure\(\) && steps\.before\.outcome == 'success'$/);
    expect(steps[rollback]?.env).toMatchObject({
      API_REVISION: '${{ steps.before.outputs.api }}',
      CACHE_REVISION: '${{ steps.before.outputs.cache }}',
    });
    expect(steps.find((s) => s.id === 'before')?.run).toMatch(/rollout\.sh revisions/);
    expect(readFileSync(join(REPO_ROOT, 'scripts', 'deploy', 'rollout.sh'), 'utf8')).toMatch(/rollout undo/);
  });

  it('allows one deployment per environment at a time, never cancelling one halfway', () => {
    expect(deployJob.concurrency).toEqual({
      group: 'deploy-${{ inputs.environment }}',
      'cancel-in-progress': false,
    });
  });
});

describe('infra.yml and stable-copy.yml', () => {
  const infra = workflow('infra.yml');
  const up = workflow('pulumi-up.yml');

  it('previews every stack on pull requests that touch infra/, results in the job summary', () => {
    expect((infra.on.pull_request as { paths: string[] }).paths).toContain('infra/**');
    const preview = infra.jobs.preview as Job;
    const stacks = ((preview.strategy?.matrix?.include ?? []) as Array<{ stack: string }>).map(
      (m) => m.stack,
    );
    expect(stacks).toEqual(['shared', 'dev', 'staging', 'prod']);
    const step = preview.steps?.find((s) => s.uses?.startsWith('pulumi/actions@'));
    expect(step?.with).toMatchObject({ command: 'preview', 'comment-on-summary': true });
    expect(step?.with?.['cloud-url']).toBe('${{ vars.PULUMI_BACKEND_URL }}');
  });

  it("runs each environment's pulumi up right before its deploy when a push changes infra, never on its own push", () => {
    const delivery = workflow('delivery.yml');
    expect(infra.on.push).toBeUndefined();
    const chain = ['infra-shared', 'infra-dev', 'dev', 'infra-staging', 'staging', 'infra-prod', 'prod'];
    chain.forEach((id, i) => {
      const job = delivery.jobs[id] as Job;
      if (id.startsWith('infra-')) {
        expect(calledWorkflow(job)).toBe('pulumi-up.yml');
        expect(job.with?.stack).toBe(id.slice('infra-'.length));
        expect(job.with?.environment).toBe(job.with?.stack);
      }
      if (i > 0) expect(needsOf(job)).toContain(chain[i - 1]);
    });
    expect(needsOf(delivery.jobs['infra-shared'] as Job)).toEqual(['changes']);
    const upJob = up.jobs.up as Job;
    expect(upJob.environment).toMatchObject({ name: '${{ inputs.environment }}' });
    expect(upJob.concurrency).toEqual({ group: 'infra-up-${{ inputs.stack }}', 'cancel-in-progress': false });
    expect(upJob.steps?.find((s) => s.uses?.startsWith('pulumi/actions@'))?.with?.command).toBe('up');
  });

  it('installs the Pulumi CLI of the version infra/package.json pins', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'infra', 'package.json'), 'utf8'));
    expect(pkg.dependencies['@pulumi/pulumi']).toMatch(/^\d+\.\d+\.\d+$/);
    for (const job of [infra.jobs.preview as Job, up.jobs.up as Job]) {
      const version = job.steps?.find((s) => s.id === 'pulumi');
      expect(version?.run).toMatch(/infra\/package\.json/);
      expect(job.steps?.find((s) => s.uses?.startsWith('pulumi/actions@'))?.with?.['pulumi-version']).toBe(
        '${{ steps.pulumi.outputs.version }}',
      );
    }
  });

  it('stable-copy: sync with the environment identity, then ban the tileset from inside the cluster', () => {
    const wf = workflow('stable-copy.yml');
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['workflow_dispatch', 'schedule']));
    const job = wf.jobs.sync as Job;
    expect(job.environment).toMatchObject({ name: '${{ matrix.environment }}' });
    expect(job.concurrency?.group).toBe('stable-copy-${{ matrix.environment }}');
    const steps = job.steps ?? [];
    const sync = steps.findIndex((s) =>
      /npm run --silent stable-copy -- sync --source "\$SOURCE" --dest "\$DEST" --json/.test(s.run ?? ''),
    );
    const ban = steps.findIndex((s) => /scripts\/ban-tileset\.sh "\$DEST"/.test(s.run ?? ''));
    expect(sync).toBeGreaterThan(0);
    expect(ban).toBeGreaterThan(sync);
    expect(steps[ban]?.if).toBe("steps.sync.outputs.outcome == 'published' || inputs.ban");
    const accounts = steps
      .filter((s) => s.uses?.startsWith('google-github-actions/auth@'))
      .map((s) => s.with?.service_account);
    expect(accounts).toEqual([
      '${{ vars.STABLE_COPY_SERVICE_ACCOUNT }}',
      '${{ vars.DEPLOYER_SERVICE_ACCOUNT }}',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The scripts the deploy runs, for real
// ---------------------------------------------------------------------------------------------------

describe('scripts/deploy/set-images.ts', () => {
  const overlay = readFileSync(
    join(REPO_ROOT, 'deploy', 'k8s', 'overlays', 'dev', 'kustomization.yaml'),
    'utf8',
  );
  const updates = [
    parseImageArg(`tilestack-api=${REGISTRY}/api@${DIGEST}`),
    parseImageArg(`tilestack-cache=${REGISTRY}/cache@${OTHER_DIGEST}`),
  ];

  it('refuses tags and malformed digests', () => {
    for (const bad of [
      `tilestack-api=${REGISTRY}/api:latest`,
      `tilestack-api=${REGISTRY}/api:${DIGEST.slice(7)}`,
      `tilestack-api=${REGISTRY}/api@sha256:ABC`,
      `${REGISTRY}/api@${DIGEST}`,
    ]) {
      expect(() => parseImageArg(bad), bad).toThrow();
    }
  });

  it('sets newName and digest of each image, keeps comments and everything else', () => {
    const out = setImages(overlay, updates);
    const images = (parse(out) as { images: unknown[] }).images;
    expect(images).toEqual([
      { name: 'tilestack-api', newName: `${REGISTRY}/api`, digest: DIGEST },
      { name: 'tilestack-cache', newName: `${REGISTRY}/cache`, digest: OTHER_DIGEST },
    ]);
    const { images: _a, ...rest } = parse(out) as Record<string, unknown>;
    const { images: _b, ...before } = parse(overlay) as Record<string, unknown>;
    expect(rest).toEqual(before);
    for (const comment of overlay.split('\n').filter((l) => l.trim().startsWith('#'))) {
      expect(out).toContain(comment.trim());
    }
    expect(setImages(out, updates)).toBe(out);
  });

  it('renders a digest-pinned overlay with kubectl kustomize (the manifests CD applies)', () => {
    const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    if (kubectl.status !== 0) return; // deploy/k8s's tests require kubectl; .ci/run installs it
    const root = tempDir('set-images-');
    cpSync(join(REPO_ROOT, 'deploy', 'k8s'), join(root, 'deploy', 'k8s'), {
      recursive: true,
      filter: (src) => !src.includes('node_modules'),
    });
    cpSync(join(REPO_ROOT, 'cache'), join(root, 'cache'), {
      recursive: true,
      filter: (src) => !src.includes('node_modules'),
    });
    const dir = join(root, 'deploy', 'k8s', 'overlays', 'dev');
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'scripts', 'deploy', 'set-images.ts'),
        dir,
        `tilestack-api=${REGISTRY}/api@${DIGEST}`,
        `tilestack-cache=${REGISTRY}/cache@${OTHER_DIGEST}`,
      ],
      { cwd: REPO_ROOT, stdio: 'pipe' },
    );
    const rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 << 20 });
    const images = [...rendered.matchAll(/^\s+image:\s+(\S+)$/gm)].map((m) => m[1]);
    expect(images.length).toBeGreaterThan(0);
    expect(new Set(images)).toEqual(
      new Set([`${REGISTRY}/api@${DIGEST}`, `${REGISTRY}/cache@${OTHER_DIGEST}`]),
    );
  });
});

describe('scripts/deploy/rollout.sh against a fake kubectl', () => {
  /** A kubectl that logs its arguments and reports revisions from files (what the cluster would say). */
  function fakeCluster(revisions: { api: string; cache: string }) {
    const dir = tempDir('fake-kubectl-');
    writeFileSync(join(dir, 'api'), revisions.api);
    writeFileSync(join(dir, 'cache'), revisions.cache);
    const kubectl = join(dir, 'kubectl');
    writeFileSync(
      kubectl,
      `#!/usr/bin/env bash
all="$*"
echo "$all" >> "${dir}/log"
case "$all" in
  *"get deployment tilestack-api "*) cat "${dir}/api" ;;
  *"get deployment tilestack-cache "*) cat "${dir}/cache" ;;
  *"rollout undo deployment/tilestack-api --to-revision="*) echo "\${all##*=}" > "${dir}/api" ;;
  *"rollout undo deployment/tilestack-cache --to-revision="*) echo "\${all##*=}" > "${dir}/cache" ;;
esac
`,
    );
    chmodSync(kubectl, 0o755);
    const run = (...args: string[]) =>
      spawnSync(join(REPO_ROOT, 'scripts', 'deploy', 'rollout.sh'), args, {
        encoding: 'utf8',
        env: { ...process.env, KUBECTL: kubectl, NAMESPACE: 'tilestack', ROLLOUT_TIMEOUT: '30s' },
      });
    const log = () => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');
    const set = (name: 'api' | 'cache', revision: string) => writeFileSync(join(dir, name), revision);
    return { run, log, set };
  }

  it('records the revisions, applies the overlay and waits for both Deployments', () => {
    const cluster = fakeCluster({ api: '3', cache: '7' });
    expect(cluster.run('revisions').stdout).toBe('api=3\ncache=7\n');
    expect(cluster.run('apply', 'rendered.yaml').status).toBe(0);
    expect(cluster.run('wait').status).toBe(0);
    expect(cluster.log()).toEqual(
      expect.arrayContaining([
        'apply -f rendered.yaml',
        '-n tilestack rollout status deployment/tilestack-api --timeout=30s',
        '-n tilestack rollout status deployment/tilestack-cache --timeout=30s',
      ]),
    );
  });

  it('undoes only the Deployment this deploy changed, to the recorded revision', () => {
    const cluster = fakeCluster({ api: '3', cache: '7' });
    cluster.set('api', '4'); // the deploy rolled the API; the cache template did not change
    const result = cluster.run('undo', '3', '7');
    expect(result.status, result.stderr).toBe(0);
    const undos = cluster.log().filter((l) => l.includes('rollout undo'));
    expect(undos).toEqual(['-n tilestack rollout undo deployment/tilestack-api --to-revision=3']);
    expect(cluster.run('revisions').stdout).toBe('api=3\ncache=7\n');
  });

  it('undoes nothing on a first deploy or a no-op redeploy', () => {
    const first = fakeCluster({ api: '1', cache: '1' });
    expect(first.run('undo', '', '').status).toBe(0);
    const same = fakeCluster({ api: '5', cache: '2' });
    expect(same.run('undo', '5', '2').status).toBe(0);
    for (const cluster of [first, same]) {
      expect(cluster.log().filter((l) => l.includes('rollout undo'))).toEqual([]);
    }
  });
});

describe('scripts/release/existing-digest.sh against a fake docker', () => {
  it('prints the digest a published tag points to (the index, not a platform manifest), else nothing', () => {
    const dir = tempDir('fake-docker-');
    const docker = join(dir, 'docker');
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: DIGEST,
      size: 1234,
      manifests: [{ digest: OTHER_DIGEST, platform: { os: 'linux', architecture: 'amd64' } }],
    });
    writeFileSync(
      docker,
      `#!/usr/bin/env bash\ncase "$*" in *:published*) echo '${manifest}' ;; *) echo "not found" >&2; exit 1 ;; esac\n`,
    );
    chmodSync(docker, 0o755);
    const run = (ref: string) =>
      spawnSync(join(REPO_ROOT, 'scripts', 'release', 'existing-digest.sh'), [ref], {
        encoding: 'utf8',
        env: { ...process.env, DOCKER: docker },
      });
    const published = run(`${REGISTRY}/api:published`);
    expect(published.status).toBe(0);
    expect(published.stdout).toBe(`${DIGEST}\n`);
    const absent = run(`${REGISTRY}/api:absent`);
    expect(absent.status).toBe(0);
    expect(absent.stdout).toBe('');
  });
});
