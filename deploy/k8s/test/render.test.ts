import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments, find, type K8sObject, kubectl, renderCommand, repoRoot } from '../src/render.js';
import { validateAll } from '../src/schema.js';
import { doctor, renderOnce } from './support.js';

// Never skipped: without kubectl nothing below means anything. 1.27: the first with Kustomize v5.
it('kubectl is installed, version 1.27 or later (deploy/k8s/scripts/ensure-kubectl.sh)', () => {
  const { clientVersion } = JSON.parse(kubectl(['version', '--client', '-o', 'json']));
  expect([clientVersion.major, Number.parseInt(clientVersion.minor, 10) >= 27]).toEqual(['1', true]);
});

const expectedObjects = [
  'Namespace/tilestack',
  'ServiceAccount/tilestack-api',
  'ServiceAccount/tilestack-cache',
  'Deployment/tilestack-api',
  'Deployment/tilestack-cache',
  'Service/tilestack-api',
  'Service/tilestack-cache',
  'PodDisruptionBudget/tilestack-api',
  'PodDisruptionBudget/tilestack-cache',
  'Ingress/tilestack',
  'ManagedCertificate/tilestack',
  'FrontendConfig/tilestack',
  'BackendConfig/tilestack-cache',
  'NetworkPolicy/default-deny',
  'NetworkPolicy/allow-dns',
  'NetworkPolicy/tilestack-api',
  'NetworkPolicy/tilestack-cache',
  'PodMonitoring/tilestack-api',
  'PodMonitoring/tilestack-cache',
  // Generated, hash-suffixed: the API's and the cache's settings, the VCL and its environment include.
  'ConfigMap/tilestack-api-config',
  'ConfigMap/tilestack-cache-config',
  'ConfigMap/tilestack-cache-vcl',
  'ConfigMap/tilestack-cache-environment',
];

describe.each(environments)('overlays/%s', (env) => {
  it('renders with the README’s command into the expected objects, all in namespace tilestack', () => {
    const readme = readFileSync(join(repoRoot, 'deploy/k8s/README.md'), 'utf8');
    expect(readme).toContain(renderCommand(env).join(' '));
    const objects = renderOnce(env);
    const ids = objects.map((o) => `${o.kind}/${o.metadata.name}`.replace(/-[a-z0-9]{10}$/, ''));
    expect(ids.sort()).toEqual([...expectedObjects].sort());
    for (const o of objects.filter((o) => o.kind !== 'Namespace'))
      expect(o.metadata.namespace).toBe('tilestack');
  });

  it('validates every object against the upstream Kubernetes, GKE and CRD schemas', async () => {
    expect(await validateAll(renderOnce(env))).toEqual([]);
  });

  it('leaves no placeholder of the base behind (components/environment filled them all)', () => {
    const objects = renderOnce(env);
    expect(JSON.stringify(objects)).not.toMatch(/tilestack-ENV-|HOSTNAME|GSA_EMAIL/);
    const ingress = find(objects, 'Ingress', 'tilestack');
    expect(ingress.metadata.annotations?.['kubernetes.io/ingress.global-static-ip-name']).toBe(
      `tilestack-${env}-ip`,
    );
    expect(find(objects, 'BackendConfig', 'tilestack-cache').spec.securityPolicy.name).toBe(
      `tilestack-${env}-edge`,
    );
  });
});

describe('schema validation catches broken objects', () => {
  const objects = renderOnce('prod');
  const broken = (kind: string, name: string, change: (o: K8sObject) => void) =>
    validateAll([doctor(find(objects, kind, name), change)]);

  it.each<[string, string, string, (o: K8sObject) => void, RegExp]>([
    [
      'a Deployment',
      'Deployment',
      'tilestack-api',
      (d) => {
        d.spec.replicas = 'five';
      },
      /replicas must be integer/,
    ],
    [
      'a GKE BackendConfig',
      'BackendConfig',
      'tilestack-cache',
      (b) => {
        b.spec.healthCheck.port = 'http';
      },
      /port/,
    ],
    [
      'a PodMonitoring (upstream CRD)',
      'PodMonitoring',
      'tilestack-api',
      (m) => {
        m.spec.endpoints[0].interval = 'thirty seconds';
      },
      /interval.*format/,
    ],
    [
      'a PodMonitoring with a misspelt field',
      'PodMonitoring',
      'tilestack-api',
      (m) => {
        m.spec.endpoints[0].intervall = '30s';
      },
      /additional properties/,
    ],
    [
      'a PodMonitoring with no endpoint port',
      'PodMonitoring',
      'tilestack-cache',
      (m) => {
        delete m.spec.endpoints[0].port;
      },
      /port/,
    ],
  ])('rejects %s with a wrongly typed, misspelt or missing field', async (_, kind, name, change, reason) => {
    const problems = await broken(kind, name, change);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(reason);
  });

  it('refuses kinds it has no schema for, instead of passing them', async () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    expect(await validateAll([unknown])).toEqual([
      expect.stringMatching(/no schema for example.com\/v1 Widget/),
    ]);
  });
});
