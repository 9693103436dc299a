import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { find, findGenerated, type K8sObject, render, repoRoot } from '../src/render.js';
import { scratchRepo } from './support.js';

/** Runs a CD script (deploy/k8s/scripts) against a kubectl that answers `pattern` calls in turn (the last repeats). */
function run(
  name: string,
  args: string[],
  answers: Record<string, string[]>,
  env: Record<string, string> = {},
  cwd = repoRoot,
) {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-kubectl-'));
  const cases = Object.entries(answers).map(([pattern, replies], i) => {
    writeFileSync(join(dir, `${i}`), `${replies.join('\n')}\n`);
    return `  *"${pattern}"*) head -n1 ${dir}/${i}; [ "$(wc -l < ${dir}/${i})" -gt 1 ] && sed -i 1d ${dir}/${i} ;;`;
  });
  const kubectl = join(dir, 'kubectl');
  writeFileSync(
    kubectl,
    `#!/usr/bin/env bash\necho "$*" >> ${dir}/log\ncase "$*" in\n${cases.join('\n')}\nesac\nexit 0\n`,
  );
  chmodSync(kubectl, 0o755);
  const result = spawnSync(join(repoRoot, 'deploy/k8s/scripts', name), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, KUBECTL: kubectl, ...env },
  });
  return { ...result, log: () => readFileSync(join(dir, 'log'), 'utf8') };
}

describe('wait-for-entry.sh', () => {
  const wait = (ip: string[], certificate: string[], env: Record<string, string> = {}) =>
    run(
      'wait-for-entry.sh',
      [],
      { 'get ingress': ip, 'get managedcertificate': certificate },
      { POLL: '0', ...env },
    );

  it('waits with a progress line per poll until the address and an Active certificate exist', () => {
    const waited = wait(['', '203.0.113.10'], ['', 'Provisioning', 'Active']);
    expect([waited.status, waited.stdout]).toEqual([0, 'waited=true\n']);
    expect(waited.stderr).toMatch(/entry: address pending, certificate pending/);
    expect(waited.stderr).toMatch(/entry: address 203\.0\.113\.10, certificate Provisioning/);
    expect(waited.stderr).toMatch(/certificate Active$/m);
  });

  it('passes at once for a running environment, and gives up after ENTRY_TIMEOUT', () => {
    expect(wait(['203.0.113.10'], ['Active']).stdout).toBe('waited=false\n');
    const never = wait(['203.0.113.10'], ['Provisioning'], { POLL: '1', ENTRY_TIMEOUT: '1' });
    expect(never.status).toBe(1);
    expect(never.stderr).toMatch(/::error::public entry not ready .* certificate 'Provisioning'/);
  });
});

describe('deployed-commit.sh', () => {
  // A history c1 -> c2 on main.
  const repo = mkdtempSync(join(tmpdir(), 'tilestack-history-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  const [c1, c2] = ['one', 'two'].map((message) => {
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      message,
    );
    return git('rev-parse', 'HEAD');
  }) as [string, string];
  const check = (running: string, deploying: string, env: Record<string, string> = {}) =>
    run('deployed-commit.sh', ['check', deploying], { 'get deployment tilestack-api': [running] }, env, repo)
      .status;

  it('deploys the first commit, the same commit or a newer one; an older one only as a deliberate rollback', () => {
    expect([check('', c1), check(c1, c1), check(c1, c2)]).toEqual([0, 0, 0]);
    const older = run(
      'deployed-commit.sh',
      ['check', c1],
      { 'get deployment tilestack-api': [c2] },
      {},
      repo,
    );
    expect(older.status).toBe(1);
    expect(older.stderr).toMatch(
      new RegExp(`::error::the environment runs ${c2}, which ${c1} does not contain`),
    );
    expect(check(c2, c1, { ALLOW_OLDER: 'true' })).toBe(0);
  });

  it('records the commit on both Deployments', () => {
    const recorded = run('deployed-commit.sh', ['record', c2], {});
    expect(recorded.status).toBe(0);
    expect(recorded.log()).toContain(
      `annotate deployment tilestack-api tilestack-cache tilestack.dev/commit=${c2} --overwrite`,
    );
  });
});

describe('a VCL change, and its rollback', () => {
  it("renames the VCL ConfigMap and rolls only the cache; the previous commit's manifests bring the old VCL back", () => {
    const { root, cleanup } = scratchRepo();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const commitAll = (message: string) => {
      git('add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    };
    git('init', '-q', '-b', 'main');
    const old = commitAll('old VCL');
    const before = render('prod', root);
    writeFileSync(
      join(root, 'cache/default.vcl'),
      `${readFileSync(join(root, 'cache/default.vcl'), 'utf8')}\n# newer\n`,
    );
    commitAll('new VCL');
    const after = render('prod', root);
    // What deploy.yml does for a rollback: render the old commit's checkout.
    git('worktree', 'add', '-q', '--detach', join(root, '.rollback'), old);
    const restored = render('prod', join(root, '.rollback'));
    const vcl = (objects: K8sObject[]) => findGenerated(objects, 'ConfigMap', 'tilestack-cache-vcl');
    const mounted = (objects: K8sObject[]) =>
      find(objects, 'Deployment', 'tilestack-cache').spec.template.spec.volumes.find(
        (v: K8sObject) => v.name === 'vcl',
      ).projected.sources[0].configMap.name;
    const template = (objects: K8sObject[]) => find(objects, 'Deployment', 'tilestack-api').spec.template;
    expect(vcl(after).metadata.name).not.toBe(vcl(before).metadata.name);
    expect([mounted(after), mounted(restored)]).toEqual([
      vcl(after).metadata.name,
      vcl(before).metadata.name,
    ]);
    expect(template(after)).toEqual(template(before));
    expect(vcl(after).data['default.vcl']).toMatch(/# newer/);
    expect(vcl(restored).data['default.vcl']).toBe(readFileSync(join(repoRoot, 'cache/default.vcl'), 'utf8'));
    cleanup();
  });
});
