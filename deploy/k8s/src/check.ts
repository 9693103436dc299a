import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { type Environment, environments, type K8sObject, parseManifests, render } from './render.js';
import { validateAll } from './schema.js';

/**
 * The deploy-time gate, also run by the tests: schemas, container security, digests. Each check returns
 * what it found wrong.
 *   node --import tsx deploy/k8s/src/check.ts prod                           # renders the overlay itself
 *   node --import tsx deploy/k8s/src/check.ts --require-real-digest out.yaml  # CD: what it will apply
 */

/** The digest the overlays commit until CD sets the real one: visibly fake, and never pullable. */
export const placeholderDigest = `sha256:${'0'.repeat(64)}`;
// [registry[:port]/]path@sha256:<hex>, no tag: a tag next to a digest is ignored and only misleads.
const pinned = /^([\w.-]+(:\d+)?\/)?[\w./-]+@sha256:[a-f0-9]{64}$/;

/** Pod templates of every kind that creates pods, with the object that declares each. */
export const workloads = (objects: K8sObject[]): { object: K8sObject; spec: IPodSpec }[] =>
  objects.flatMap((o) => {
    const spec = o.kind === 'Pod' ? o.spec : (o.spec?.jobTemplate?.spec ?? o.spec)?.template?.spec;
    return spec?.containers ? [{ object: o, spec }] : [];
  });
export const containersOf = (spec: IPodSpec) => [...(spec.initContainers ?? []), ...spec.containers];

type Security = NonNullable<IContainer['securityContext'] & IPodSpec['securityContext']>;
/** What each container must have; `s` is its security context over the pod's. */
const rules: Record<string, (c: IContainer, s: Security, init: boolean) => boolean> = {
  'no livenessProbe': (c, _, init) => init || !!c.livenessProbe,
  'no startupProbe': (c, _, init) => init || !!c.startupProbe,
  'no cpu and memory requests and limits': ({ resources: r }) =>
    [r?.requests, r?.limits].every((q) => q?.cpu !== undefined && q?.memory !== undefined),
  'may run as root': (_, s) => s.runAsNonRoot === true && s.runAsUser !== 0,
  'root filesystem is writable': (_, s) => s.readOnlyRootFilesystem === true,
  'may escalate privileges': (_, s) => s.allowPrivilegeEscalation === false && !s.privileged,
  'capabilities not all dropped': (_, s) =>
    !!s.capabilities?.drop?.includes('ALL') && !s.capabilities.add?.length,
  'seccompProfile is not RuntimeDefault': (_, s) =>
    ['RuntimeDefault', 'Localhost'].includes(s.seccompProfile?.type ?? ''),
};

/** Probes, resources and a restricted security context on every container; no host namespace or path. */
export const checkContainers = (objects: K8sObject[]): string[] =>
  workloads(objects).flatMap(({ object, spec }) => {
    const at = `${object.kind} ${object.metadata.name}`;
    const host = spec.hostNetwork || spec.hostPID || spec.hostIPC || spec.volumes?.some((v) => v.hostPath);
    return [
      ...(host ? [`${at}: uses a host namespace or path`] : []),
      ...containersOf(spec).flatMap((c) => {
        const security = { ...spec.securityContext, ...c.securityContext };
        const init = !!spec.initContainers?.includes(c);
        return Object.entries(rules)
          .filter(([, holds]) => !holds(c, security, init))
          .map(([problem]) => `${at}, container ${c.name}: ${problem}`);
      }),
    ];
  });

/** Every image is a digest reference; with `requireRealDigest` (CD) not the placeholder either. */
export const checkImages = (objects: K8sObject[], { requireRealDigest = false } = {}): string[] =>
  workloads(objects).flatMap(({ object, spec }) =>
    containersOf(spec).flatMap(({ name, image = '' }) => {
      const where = `${object.kind} ${object.metadata.name}, container ${name}: image "${image}"`;
      if (!pinned.test(image)) return [`${where} is not pinned by digest; CD sets name@sha256:<digest>`];
      if (requireRealDigest && image.endsWith(placeholderDigest))
        return [`${where} has the placeholder digest`];
      return [];
    }),
  );
export const check = async (objects: K8sObject[], options: { requireRealDigest?: boolean } = {}) => [
  ...(await validateAll(objects)),
  ...checkContainers(objects),
  ...checkImages(objects, options),
];

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const [source, ...rest] = args.filter((a) => !a.startsWith('--'));
  if (!source || rest.length > 0) {
    console.error(`usage: check.ts [--require-real-digest] <${environments.join('|')}|rendered.yaml|->`);
    process.exit(2);
  }
  const objects = environments.includes(source as Environment)
    ? render(source as Environment)
    : parseManifests(readFileSync(source === '-' ? 0 : source, 'utf8'));
  const problems = await check(objects, { requireRealDigest: args.includes('--require-real-digest') });
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.log(`${objects.length} objects checked, ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
