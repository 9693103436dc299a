import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environments, find, findGenerated, type K8sObject, repoRoot } from '../src/render.js';
import { renderOnce } from './support.js';

const policyVcl = readFileSync(join(repoRoot, 'cache/default.vcl'), 'utf8');
const environmentVcl = readFileSync(join(repoRoot, 'deploy/k8s/base/cache/environment.vcl'), 'utf8');

function vclVolume(objects: K8sObject[]) {
  const pod = find(objects, 'Deployment', 'tilestack-cache').spec.template.spec;
  const volume = pod.volumes.find((v: K8sObject) => v.name === 'vcl');
  const mount = pod.containers[0].volumeMounts.find((m: K8sObject) => m.name === 'vcl');
  return { sources: volume.projected.sources.map((s: K8sObject) => s.configMap), mount };
}

describe.each(environments)('overlays/%s: the VCL', (env) => {
  const objects = renderOnce(env);

  it('is byte-identical to cache/default.vcl, and the environment include to base/cache/environment.vcl', () => {
    expect(findGenerated(objects, 'ConfigMap', 'tilestack-cache-vcl').data['default.vcl']).toBe(policyVcl);
    expect(findGenerated(objects, 'ConfigMap', 'tilestack-cache-environment').data['environment.vcl']).toBe(
      environmentVcl,
    );
  });

  it('is mounted, both files side by side, in /etc/varnish from the hash-named ConfigMaps', () => {
    const { sources, mount } = vclVolume(objects);
    expect(mount).toMatchObject({ mountPath: '/etc/varnish', readOnly: true });
    expect(sources).toEqual([
      {
        name: findGenerated(objects, 'ConfigMap', 'tilestack-cache-vcl').metadata.name,
        items: [{ key: 'default.vcl', path: 'default.vcl' }],
      },
      {
        name: findGenerated(objects, 'ConfigMap', 'tilestack-cache-environment').metadata.name,
        items: [{ key: 'environment.vcl', path: 'environment.vcl' }],
      },
    ]);
  });
});

describe('the VCL that Kubernetes mounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tilestack-vcl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // varnishd is on every machine that runs the cache's tests (.ci/run installs Debian's varnish).
  it('compiles with varnishd (default.vcl including the Kubernetes environment.vcl)', () => {
    // Run as root, varnishd compiles as its own unprivileged user, which must be able to read the files.
    chmodSync(dir, 0o755);
    cpSync(join(repoRoot, 'cache/default.vcl'), join(dir, 'default.vcl'));
    // The compiler resolves backend hosts; the Service name only resolves inside the cluster.
    writeFileSync(join(dir, 'environment.vcl'), environmentVcl.replace('"tilestack-api"', '"127.0.0.1"'));
    const run = spawnSync(
      'varnishd',
      ['-C', '-n', join(dir, 'work'), '-p', `vcl_path=${dir}`, '-f', join(dir, 'default.vcl')],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (run.error) throw new Error("varnishd not found: install Debian's varnish (apt-get install varnish)");
    // On failure VCC's message comes first on stderr; on success stderr holds the generated C.
    expect(run.status, run.stderr.slice(0, 2000)).toBe(0);
  });
});
