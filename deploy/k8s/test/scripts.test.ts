import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { find, findGenerated, render, repoRoot } from '../src/render.js';
import { scratchRepo } from './support.js';

// The deploy's cluster-side scripts (deploy/k8s/scripts) against a kubectl that answers from files.
function fakeKubectl(answers: Record<string, string[]>): { dir: string; kubectl: string; log: () => string } {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-kubectl-'));
  const kubectl = join(dir, 'kubectl');
  const cases = Object.entries(answers).map(([pattern, replies]) => {
    writeFileSync(join(dir, pattern.replace(/\W/g, '_')), `${replies.join('\n')}\n`);
    // Each call takes the next answer; the last one repeats.
    const file = join(dir, pattern.replace(/\W/g, '_'));
    return `  *"${pattern}"*) head -n1 "${file}"; [ "$(wc -l < "${file}")" -gt 1 ] && sed -i 1d "${file}" ;;`;
  });
  writeFileSync(
    kubectl,
    `#!/usr/bin/env bash\necho "$*" >> "${dir}/log"\ncase "$*" in\n${cases.join('\n')}\nesac\nexit 0\n`,
  );
  chmodSync(kubectl, 0o755);
  return { dir, kubectl, log: () => readFileSync(join(dir, 'log'), 'utf8') };
}

const script = (name: string) => join(repoRoot, 'deploy/k8s/scripts', name);

describe('wait-for-entry.sh', () => {
  it('waits with a progress line per poll until the address and an Active certificate exist', () => {
    const { kubectl } = fakeKubectl({
      'get ingress': ['', '203.0.113.10'],
      'get managedcertificate': ['', 'Provisioning', 'Active'],
    });
    const run = spawnSync(script('wait-for-entry.sh'), {
      encoding: 'utf8',
      env: { ...process.env, KUBECTL: kubectl, POLL: '0' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('waited=true\n');
    expect(run.stderr).toMatch(/entry: address pending, certificate pending/);
    expect(run.stderr).toMatch(/entry: address 203\.0\.113\.10, certificate Provisioning/);
    expect(run.stderr).toMatch(/certificate Active$/m);
  });

  it('passes at once for a running environment, and gives up after ENTRY_TIMEOUT', () => {
    const ready = fakeKubectl({ 'get ingress': ['203.0.113.10'], 'get managedcertificate': ['Active'] });
    const at = spawnSync(script('wait-for-entry.sh'), {
      encoding: 'utf8',
      env: { ...process.env, KUBECTL: ready.kubectl },
    });
    expect(at.stdout).toBe('waited=false\n');
    const never = fakeKubectl({
      'get ingress': ['203.0.113.10'],
      'get managedcertificate': ['Provisioning'],
    });
    const env = { ...process.env, KUBECTL: never.kubectl, POLL: '1', ENTRY_TIMEOUT: '1' };
    const out = spawnSync(script('wait-for-entry.sh'), { encoding: 'utf8', env });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/::error::public entry not ready .* certificate 'Provisioning'/);
  });
});

describe('deployed-commit.sh', () => {
  // A history main -> c1 -> c2, and a branch commit that is not on it.
  const repo = mkdtempSync(join(tmpdir(), 'tilestack-history-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (message: string) => {
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
  };
  const [c1, c2] = [commit('one'), commit('two')];
  const check = (running: string, deploying: string, extra: Record<string, string> = {}) => {
    const { kubectl } = fakeKubectl({ 'get deployment tilestack-api': [running] });
    return spawnSync(script('deployed-commit.sh'), ['check', deploying], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, KUBECTL: kubectl, ...extra },
    });
  };

  it('deploys the first commit, the same commit, or a newer one', () => {
    expect(check('', c1).status).toBe(0);
    expect(check(c1, c1).status).toBe(0);
    expect(check(c1, c2).status).toBe(0);
  });

  it('refuses a commit older than the running one, unless the run is a deliberate rollback', () => {
    const older = check(c2, c1);
    expect(older.status).toBe(1);
    expect(older.stderr).toMatch(
      new RegExp(`::error::the environment runs ${c2}, which ${c1} does not contain`),
    );
    expect(check(c2, c1, { ALLOW_OLDER: 'true' }).status).toBe(0);
  });

  it('records the commit on both Deployments', () => {
    const { kubectl, log } = fakeKubectl({});
    const run = spawnSync(script('deployed-commit.sh'), ['record', c2], {
      encoding: 'utf8',
      env: { ...process.env, KUBECTL: kubectl },
    });
    expect(run.status).toBe(0);
    expect(log()).toContain(
      `annotate deployment tilestack-api tilestack-cache tilestack.dev/commit=${c2} --overwrite`,
    );
  });
});

describe('rollback restores configuration: each commit renders its own VCL', () => {
  it("the previous commit's manifests bring its VCL back under its own hash-named ConfigMap", () => {
    const { root, cleanup } = scratchRepo();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    const commitAll = (message: string) => {
      git('add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    };
    git('init', '-q', '-b', 'main');
    const vclOf = (dir: string) => {
      const objects = render('prod', dir);
      const vcl = findGenerated(objects, 'ConfigMap', 'tilestack-cache-vcl');
      const volume = find(objects, 'Deployment', 'tilestack-cache').spec.template.spec.volumes.find(
        (v: { name: string }) => v.name === 'vcl',
      );
      return {
        text: vcl.data['default.vcl'],
        name: vcl.metadata.name,
        mounted: volume.projected.sources[0].configMap.name,
      };
    };
    const old = commitAll('old VCL');
    const vclPath = join(root, 'cache/default.vcl');
    writeFileSync(vclPath, `${readFileSync(vclPath, 'utf8')}\n# a newer policy\n`);
    commitAll('new VCL');
    const current = vclOf(root);
    // What deploy.yml does for a rollback: render the old commit's checkout.
    const rollback = join(root, '.rollback');
    git('worktree', 'add', '-q', '--detach', rollback, old);
    const restored = vclOf(rollback);
    expect(current.text).toMatch(/a newer policy/);
    expect(restored.text).not.toMatch(/a newer policy/);
    expect(restored.text).toBe(readFileSync(join(repoRoot, 'cache/default.vcl'), 'utf8'));
    expect(restored.name).not.toBe(current.name);
    expect(restored.mounted).toBe(restored.name);
    cleanup();
  });
});
