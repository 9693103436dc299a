import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type K8sObject, render, repoRoot } from '../src/render.js';
import { at, scratchRepo } from './support.js';

const temp = () => mkdtempSync(join(tmpdir(), 'tilestack-scripts-'));
/** A new git repository in `cwd`; `commit` commits everything in it and returns the commit's id. */
function repository(cwd = temp()) {
  const [identity, options] = [
    ['-c', 'user.name=t', '-c', 'user.email=t@e'],
    { cwd, encoding: 'utf8' } as const,
  ];
  const git = (...args: string[]) => execFileSync('git', [...identity, ...args], options).trim();
  git('init', '-q', '-b', 'main');
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { cwd, git, commit };
}

/** Runs a CD script (deploy/k8s/scripts) against a kubectl that answers `pattern` calls in turn (the last repeats). */
function run(name: string, args: string[], answers: Record<string, string[]>, env = {}, cwd = repoRoot) {
  const dir = temp();
  const cases = Object.entries(answers).map(([pattern, replies], i) => {
    writeFileSync(join(dir, `${i}`), `${replies.join('\n')}\n`);
    return `  *"${pattern}"*) head -n1 ${dir}/${i}; [ "$(wc -l < ${dir}/${i})" -gt 1 ] && sed -i 1d ${dir}/${i} ;;`;
  });
  const kubectl = join(dir, 'kubectl');
  const script = `#!/usr/bin/env bash\necho "$*" >> ${dir}/log\ncase "$*" in\n${cases.join('\n')}\nesac\nexit 0\n`;
  writeFileSync(kubectl, script, { mode: 0o755 });
  const environment = { ...process.env, KUBECTL: kubectl, POLL: '0', ...env };
  const result = spawnSync(join(repoRoot, 'deploy/k8s/scripts', name), args, {
    cwd,
    encoding: 'utf8',
    env: environment,
  });
  return { ...result, log: () => readFileSync(join(dir, 'log'), 'utf8') };
}

describe('wait-for-entry.sh', () => {
  const wait = (ip: string[], certificate: string[], env = {}) =>
    run('wait-for-entry.sh', [], { 'get ingress': ip, 'get managedcertificate': certificate }, env);

  it('waits, a progress line per poll, for the address and an Active certificate; a running one passes at once', () => {
    const waited = wait(['', '203.0.113.10'], ['', 'Provisioning', 'Active']);
    const progress = waited.stderr.trim().split('\n');
    expect([waited.status, waited.stdout, progress.length]).toEqual([0, 'waited=true\n', 3]);
    expect(wait(['203.0.113.10'], ['Active']).stdout).toBe('waited=false\n');
  });

  it('gives up after ENTRY_TIMEOUT with an error annotation', () => {
    const never = wait(['203.0.113.10'], ['Provisioning'], { POLL: '1', ENTRY_TIMEOUT: '1' });
    expect([never.status, never.stderr]).toEqual([1, expect.stringMatching(/^::error::/m)]);
  });
});

describe('deployed-commit.sh', () => {
  const { cwd, commit } = repository();
  const [c1, c2] = [commit('one'), commit('two')];

  it.each([
    ['the first commit', '', c1, {}, 0],
    ['the same commit', c1, c1, {}, 0],
    ['a newer commit', c1, c2, {}, 0],
    ['no older commit', c2, c1, {}, 1],
    ['an older one as a deliberate rollback', c2, c1, { ALLOW_OLDER: 'true' }, 0],
  ])('check deploys %s', (_, running, deploying, env, status) => {
    const answers = { 'get deployment tilestack-api': [running] };
    expect(run('deployed-commit.sh', ['check', deploying], answers, env, cwd).status).toBe(status);
  });

  it('records the commit on both Deployments', () => {
    const { status, log } = run('deployed-commit.sh', ['record', c2], {});
    const annotate = `annotate deployment tilestack-api tilestack-cache tilestack.dev/commit=${c2} --overwrite`;
    expect([status, log()]).toEqual([0, expect.stringContaining(annotate)]);
  });
});

it("a VCL change renames its ConfigMap and rolls only the cache; the older commit's manifests bring it back", () => {
  const { root, cleanup } = scratchRepo();
  const { git, commit } = repository(root);
  const old = commit('old VCL');
  const before = render('prod', root);
  const policy = join(root, 'cache/default.vcl');
  writeFileSync(policy, `${readFileSync(policy, 'utf8')}\n# newer\n`);
  commit('new VCL');
  const after = render('prod', root);
  // What deploy.yml does for a rollback: render the old commit's checkout.
  git('worktree', 'add', '-q', '--detach', join(root, '.rollback'), old);
  const restored = render('prod', join(root, '.rollback'));
  cleanup();
  const vcl = (o: K8sObject[]) => at(o, 'ConfigMap/tilestack-cache-vcl');
  const mounted = (o: K8sObject[]) =>
    at(o, 'Deployment/tilestack-cache', 'spec.template.spec.volumes.vcl.projected.sources.0.configMap.name');
  expect(vcl(after).metadata.name).not.toBe(vcl(before).metadata.name);
  expect([after, restored].map(mounted)).toEqual([vcl(after).metadata.name, vcl(before).metadata.name]);
  expect(vcl(after).data['default.vcl']).toMatch(/# newer\n$/);
  expect(vcl(restored).data).toEqual(vcl(before).data);
  const api = (o: K8sObject[]) => at(o, 'Deployment/tilestack-api', 'spec.template');
  expect(api(after)).toEqual(api(before));
});
