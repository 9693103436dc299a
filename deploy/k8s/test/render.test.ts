import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments, find, kubectl, renderCommand, repoRoot } from '../src/render.js';
import { validateAll } from '../src/schema.js';
import { doctor, renderOnce } from './support.js';

// Never skipped: without kubectl nothing below means anything. 1.27: the first with Kustomize v5.
it('kubectl is installed, version 1.27 or later (deploy/k8s/scripts/ensure-kubectl.sh)', () => {
  const { clientVersion } = JSON.parse(kubectl(['version', '--client', '-o', 'json']));
  expect([clientVersion.major, Number.parseInt(clientVersion.minor, 10) >= 27]).toEqual(['1', true]);
});

describe.each(environments)('overlays/%s', (env) => {
  const objects = renderOnce(env);

  it('renders with the README’s command into the expected objects, all in namespace tilestack', () => {
    expect(readFileSync(join(repoRoot, 'deploy/k8s/README.md'), 'utf8')).toContain(
      renderCommand(env).join(' '),
    );
    const kinds: Record<string, number> = {};
    for (const { kind } of objects) kinds[kind] = (kinds[kind] ?? 0) + 1;
    // ConfigMaps: the API's and the cache's settings, the VCL and its environment include.
    expect(kinds).toEqual({
      Namespace: 1,
      ServiceAccount: 2,
      ConfigMap: 4,
      Service: 2,
      Deployment: 2,
      PodDisruptionBudget: 2,
      Ingress: 1,
      NetworkPolicy: 4,
      BackendConfig: 1,
      ManagedCertificate: 1,
      FrontendConfig: 1,
      PodMonitoring: 2,
    });
    for (const o of objects.filter((o) => o.kind !== 'Namespace'))
      expect(o.metadata.namespace).toBe('tilestack');
  });

  it('validates every object against the upstream Kubernetes, GKE and CRD schemas', async () => {
    expect(await validateAll(objects)).toEqual([]);
  });

  it('leaves no placeholder of the base behind (components/environment filled them all)', () => {
    expect(JSON.stringify(objects)).not.toMatch(/tilestack-ENV-|HOSTNAME|GSA_EMAIL/);
    const { annotations } = find(objects, 'Ingress', 'tilestack').metadata;
    expect(annotations?.['kubernetes.io/ingress.global-static-ip-name']).toBe(`tilestack-${env}-ip`);
    const { securityPolicy } = find(objects, 'BackendConfig', 'tilestack-cache').spec;
    expect(securityPolicy.name).toBe(`tilestack-${env}-edge`);
  });
});

describe('schema validation', () => {
  const objects = renderOnce('prod');

  it.each([
    ['Deployment', 'tilestack-api', 'spec.replicas', 'five', /replicas must be integer/],
    ['BackendConfig', 'tilestack-cache', 'spec.healthCheck.port', 'http', /port/],
    ['PodMonitoring', 'tilestack-api', 'spec.endpoints.0.interval', 'thirty seconds', /format "duration"/],
    ['PodMonitoring', 'tilestack-api', 'spec.endpoints.0.intervall', '30s', /additional properties/],
    ['PodMonitoring', 'tilestack-cache', 'spec.endpoints.0.port', undefined, /required property 'port'/],
  ])('rejects a %s %s whose %s is %s', async (kind, name, path, value, reason) => {
    expect(await validateAll([doctor(find(objects, kind, name), path, value)])).toEqual([
      expect.stringMatching(reason),
    ]);
  });

  it('refuses kinds it has no schema for, instead of passing them', async () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(await validateAll([unknown])).toEqual([
      expect.stringMatching(/no schema for example.com\/v1 Widget/),
    ]);
  });
});
