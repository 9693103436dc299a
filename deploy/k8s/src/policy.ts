import type { IContainer } from 'kubernetes-models/v1/Container';
import { containersOf, type K8sObject, selects, workloads } from './manifest.js';

/**
 * Policy checks over rendered manifests. Each returns the violations it found (empty = compliant), so a
 * test can assert on the list and a doctored manifest can prove the check catches what it claims to.
 */

/** The digest the overlays commit until CD sets the real one: visibly fake, and never pullable. */
export const placeholderDigest = `sha256:${'0'.repeat(64)}`;

// registry/path@sha256:<64 hex>, with no tag: a tag next to a digest is ignored by the runtime and only
// misleads the reader.
const digestReference = /^[a-zA-Z0-9][a-zA-Z0-9._\-/:]*[a-zA-Z0-9]@sha256:[a-f0-9]{64}$/;

function describeImage(image: string): string {
  const [name = '', digest] = image.split('@');
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  if (digest !== undefined)
    return lastSegment.includes(':') ? 'a tag next to the digest' : 'a malformed digest';
  return lastSegment.includes(':')
    ? `tag ${lastSegment.slice(lastSegment.indexOf(':'))}`
    : 'no tag (= :latest)';
}

/**
 * Every container image is a digest reference. With `requireRealDigest` (CD, before applying) the
 * overlays' placeholder digest is refused too.
 */
export function checkImages(objects: K8sObject[], { requireRealDigest = false } = {}): string[] {
  return workloads(objects).flatMap(({ object, spec }) =>
    containersOf(spec).flatMap(({ name, image = '' }) => {
      const where = `${object.kind} ${object.metadata.name}, container ${name}: image "${image}"`;
      const reference = image.split('@')[0] ?? '';
      if (!digestReference.test(image) || reference.slice(reference.lastIndexOf('/') + 1).includes(':')) {
        return [`${where} is not pinned by digest (${describeImage(image)}); CD sets name@sha256:<digest>`];
      }
      if (requireRealDigest && image.endsWith(`@${placeholderDigest}`)) {
        return [`${where} still has the placeholder digest: CD must set the built image's digest`];
      }
      return [];
    }),
  );
}

/** Ports (names and numbers) a Service of `objects` sends traffic to on pods labelled `labels`. */
function servedPorts(objects: K8sObject[], labels: Record<string, string> = {}): Set<string | number> {
  const services = objects.filter(
    (o) => o.kind === 'Service' && selects({ matchLabels: o.spec?.selector ?? {} }, labels),
  );
  return new Set(services.flatMap((s) => (s.spec.ports ?? []).map((p: K8sObject) => p.targetPort ?? p.port)));
}

/**
 * Probes, resources and a restricted security context on every container of every workload. Readiness
 * decides which endpoints a Service sends to, so only containers a Service targets must have one; others
 * (a metrics sidecar) must not take the pod out of service.
 */
export function checkContainers(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap(({ object, spec, labels }) => {
    const served = servedPorts(objects, labels);
    const pod = spec.securityContext ?? {};
    const problems: string[] = [];
    const at = `${object.kind} ${object.metadata.name}`;
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${at}: uses a host namespace`);
    for (const volume of spec.volumes ?? []) {
      if (volume.hostPath) problems.push(`${at}: hostPath volume ${volume.name}`);
    }
    for (const container of containersOf(spec)) {
      const where = `${at}, container ${container.name}`;
      const security = container.securityContext ?? {};
      const isInit = (spec.initContainers ?? []).includes(container);
      if (!isInit) {
        for (const probe of ['livenessProbe', 'startupProbe'] as const) {
          if (!container[probe]) problems.push(`${where}: no ${probe}`);
        }
        const ports = (container.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
        if (!container.readinessProbe && ports.some((p) => p !== undefined && served.has(p)))
          problems.push(`${where}: a Service sends it traffic but it has no readinessProbe`);
      }
      problems.push(...checkResources(container).map((p) => `${where}: ${p}`));
      const runAsNonRoot = security.runAsNonRoot ?? pod.runAsNonRoot;
      const runAsUser = security.runAsUser ?? pod.runAsUser;
      if (runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
      if (runAsUser === 0) problems.push(`${where}: runs as uid 0`);
      if (security.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem is writable`);
      if (security.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (security.privileged) problems.push(`${where}: privileged`);
      if (!(security.capabilities?.drop ?? []).includes('ALL'))
        problems.push(`${where}: capabilities not dropped (ALL)`);
      if ((security.capabilities?.add ?? []).length > 0) problems.push(`${where}: adds capabilities`);
      const seccomp = security.seccompProfile?.type ?? pod.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        problems.push(`${where}: seccompProfile is not RuntimeDefault`);
      }
    }
    return problems;
  });
}

function checkResources(container: IContainer): string[] {
  const { requests = {}, limits = {} } = container.resources ?? {};
  return ['cpu', 'memory'].flatMap((resource) => [
    ...(requests[resource] === undefined ? [`no ${resource} request`] : []),
    ...(limits[resource] === undefined ? [`no ${resource} limit`] : []),
  ]);
}

/**
 * The API is internal: every Service selecting its pods is a plain ClusterIP without a standalone NEG,
 * and no Ingress, Gateway route or public Service leads to those pods.
 */
export function checkApiIsPrivate(objects: K8sObject[], apiPodLabels: Record<string, string>): string[] {
  const problems: string[] = [];
  const services = objects.filter((o) => o.kind === 'Service');
  const apiServices = services.filter(
    (s) => s.spec?.selector && selects({ matchLabels: s.spec.selector }, apiPodLabels),
  );
  for (const service of apiServices) {
    const name = `Service ${service.metadata.name} (selects the API pods)`;
    if ((service.spec.type ?? 'ClusterIP') !== 'ClusterIP')
      problems.push(`${name} is of type ${service.spec.type}`);
    if (service.spec.externalIPs?.length) problems.push(`${name} has externalIPs`);
    // A standalone NEG (exposed_ports) can be attached to any Google load balancer outside Kubernetes.
    if (service.metadata.annotations?.['cloud.google.com/neg']?.includes('exposed_ports')) {
      problems.push(`${name} exposes a standalone network endpoint group`);
    }
  }
  const apiServiceNames = new Set(apiServices.map((s) => s.metadata.name));
  for (const object of objects) {
    const backends = routedServices(object);
    for (const backend of backends.filter((b) => apiServiceNames.has(b))) {
      problems.push(
        `${object.kind} ${object.metadata.name} routes to ${backend}, which selects the API pods`,
      );
    }
  }
  return problems;
}

/** Names of the Services an Ingress or a Gateway API route sends traffic to. */
function routedServices(object: K8sObject): string[] {
  if (object.kind === 'Ingress') {
    const spec = object.spec ?? {};
    const backends = [
      spec.defaultBackend,
      ...(spec.rules ?? []).flatMap((r: K8sObject) => r.http?.paths ?? []),
    ]
      .map((b) => b?.service?.name ?? b?.backend?.service?.name)
      .filter(Boolean);
    return backends;
  }
  if (/^(HTTP|GRPC|TCP|TLS|UDP)Route$/.test(object.kind)) {
    return (object.spec?.rules ?? []).flatMap((r: K8sObject) =>
      (r.backendRefs ?? [])
        .filter((b: K8sObject) => (b.kind ?? 'Service') === 'Service')
        .map((b: K8sObject) => b.name),
    );
  }
  return [];
}
