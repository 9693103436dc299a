import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { check, containersOf, workloads } from '../src/check.js';
import { environments, type K8sObject, kubectl, render, renderDir, repoRoot } from '../src/render.js';
import { at, doctor, renderOnce, scratchRepo } from './support.js';

// Never skipped: without kubectl nothing below means anything. 1.27: the first with Kustomize v5.
it('kubectl is installed, version 1.27 or later (deploy/k8s/scripts/ensure-kubectl.sh)', () => {
  const { clientVersion } = JSON.parse(kubectl(['version', '--client', '-o', 'json']));
  expect([clientVersion.major, Number.parseInt(clientVersion.minor, 10) >= 27]).toEqual(['1', true]);
});

const images = (objects: K8sObject[]) =>
  workloads(objects).flatMap(({ spec }) => containersOf(spec).map((c) => c.image));
const built = (name: string, hex: string) =>
  `europe-west1-docker.pkg.dev/tilestack-ci/tilestack/${name}@sha256:${hex.repeat(32)}`;
const [api, cache] = [built('api', 'a1'), built('cache', 'c2')];

it.each(environments)('set-images.ts pins overlays/%s to digests that pass the CD gate', async (env) => {
  const { root, cleanup } = scratchRepo();
  const cli = ['--import', 'tsx', 'scripts/deploy/set-images.ts', `${root}/deploy/k8s/overlays/${env}`];
  const pins = [`tilestack-api=${api}`, `tilestack-cache=${cache}`];
  execFileSync(process.execPath, [...cli, ...pins], { cwd: repoRoot });
  const objects = render(env, root);
  cleanup();
  expect(await check(objects, { requireRealDigest: true })).toEqual([]);
  expect(images(objects)).toEqual([api, ...Array(3).fill(cache)]);
});

// An `images:` entry in the base would rename them first, and CD's edit in the overlay would match nothing.
it('the base keeps the logical image names that CD sets in each overlay', () => {
  expect(images(renderDir('deploy/k8s/base'))).toEqual([
    'tilestack-api',
    ...Array(3).fill('tilestack-cache'),
  ]);
});

const prod = renderOnce('prod');
const [API, C] = ['Deployment/tilestack-api', 'spec.template.spec.containers.0'];
const [image, digest] = ['europe-docker.pkg.dev/p/tilestack/api', `@sha256:${'ab12'.repeat(16)}`];
const init = [{ ...at(prod, API, C), name: 'migrate', image: 'x:1' }];

it.each([
  [API, 'spec.replicas', 'five', /replicas must be integer/],
  ['BackendConfig/tilestack-cache', 'spec.healthCheck.port', 'http', /port/],
  ['PodMonitoring/tilestack-api', 'spec.endpoints.0.interval', 'thirty seconds', /format "duration"/],
  ['PodMonitoring/tilestack-api', 'spec.endpoints.0.intervall', '30s', /additional properties/],
  ['PodMonitoring/tilestack-cache', 'spec.endpoints.0.port', undefined, /required property 'port'/],
  ['PodMonitoring/tilestack-cache', 'kind', 'Widget', /no schema for monitoring.googleapis.com\/v1 Widget/],
  [API, `${C}.livenessProbe`, undefined, /no livenessProbe/],
  [API, `${C}.startupProbe`, undefined, /no startupProbe/],
  [API, `${C}.resources.limits.memory`, undefined, /no cpu and memory requests and limits/],
  [API, `${C}.securityContext.runAsNonRoot`, false, /may run as root/],
  [API, `${C}.securityContext.runAsUser`, 0, /may run as root/],
  [API, `${C}.securityContext.readOnlyRootFilesystem`, false, /root filesystem is writable/],
  [API, `${C}.securityContext.allowPrivilegeEscalation`, undefined, /may escalate privileges/],
  [API, `${C}.securityContext.capabilities.add`, ['NET_ADMIN'], /capabilities not all dropped/],
  [API, `${C}.securityContext.seccompProfile.type`, 'Unconfined', /seccompProfile is not RuntimeDefault/],
  [API, 'spec.template.spec.hostNetwork', true, /uses a host namespace or path/],
  [API, `${C}.image`, `${image}:latest`, /not pinned by digest/],
  [API, `${C}.image`, image, /not pinned by digest/],
  [API, `${C}.image`, `${image}:1.4.2${digest}`, /not pinned by digest/],
  [API, `${C}.image`, `${image}@sha256:abc`, /not pinned by digest/],
  [API, 'spec.template.spec.initContainers', init, /container migrate: image "x:1" is not pinned/],
  [API, `${C}.image`, `${image}${digest}`, null],
  [API, `${C}.image`, `localhost:5000/tilestack/api${digest}`, null],
])('the CD gate checks %s with %s = %j: %s', async (ref, path, value, problem) => {
  const problems = await check([doctor(at(prod, ref), path, value)]);
  expect(problems).toEqual(problem ? [expect.stringMatching(problem)] : []);
});
