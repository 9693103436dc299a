import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';

/** Any rendered Kubernetes object; typed views come from kubernetes-models' interfaces. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: the rest depends on the kind; callers narrow it.
  [field: string]: any;
}

export interface Workload {
  object: K8sObject;
  labels: Record<string, string>;
  spec: IPodSpec;
}

/** Objects that create pods, with the pod template each one runs. */
export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((object): Workload[] => {
    switch (object.kind) {
      case 'Pod':
        return [{ object, labels: object.metadata.labels ?? {}, spec: object.spec }];
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'Job':
        return [
          { object, labels: object.spec.template.metadata?.labels ?? {}, spec: object.spec.template.spec },
        ];
      case 'CronJob': {
        const template = object.spec.jobTemplate.spec.template;
        return [{ object, labels: template.metadata?.labels ?? {}, spec: template.spec }];
      }
      default:
        return [];
    }
  });
}

/** Every container of a pod, init and ephemeral ones included. */
export function containersOf(spec: IPodSpec): IContainer[] {
  return [
    ...(spec.initContainers ?? []),
    ...spec.containers,
    ...((spec.ephemeralContainers ?? []) as IContainer[]),
  ];
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered output`);
  return found;
}

/** Finds a generated object by its name before Kustomize's hash suffix (`tilestack-api-config-<hash>`). */
export function findGenerated(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.filter(
    (o) => o.kind === kind && new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name),
  );
  if (found.length !== 1)
    throw new Error(`expected one generated ${kind} ${name}-<hash>, found ${found.length}`);
  return found[0] as K8sObject;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics (an empty selector matches everything). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] as string);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] as string);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}
