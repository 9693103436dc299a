import { BackendConfig } from '@kubernetes-models/gke/cloud.google.com/v1/BackendConfig';
import { ManagedCertificate } from '@kubernetes-models/gke/networking.gke.io/v1/ManagedCertificate';
import { FrontendConfig } from '@kubernetes-models/gke/networking.gke.io/v1beta1/FrontendConfig';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './manifest.js';
import { podMonitoringSchema } from './pod-monitoring-schema.js';

/**
 * Offline schema validation of rendered objects, keyed by `apiVersion/kind`:
 * - core kinds: `kubernetes-models` (generated from Kubernetes' OpenAPI, current GKE minor versions);
 * - GKE's BackendConfig, FrontendConfig, ManagedCertificate: `@kubernetes-models/gke` (from GKE's CRDs);
 * - PodMonitoring: our schema from the CRD (pod-monitoring-schema.ts).
 * A kind with no schema here is an error, never a silent pass: add its model when you add the kind.
 */
type Validator = (object: K8sObject) => void;

const model =
  (Model: new (data: never) => { validate(): void }): Validator =>
  (object) =>
    new Model(object as never).validate();

const ajv = new Ajv({ allErrors: true, strict: true });
const podMonitoring = ajv.compile(podMonitoringSchema);

const validators: Record<string, Validator> = {
  'v1/Namespace': model(Namespace),
  'v1/ServiceAccount': model(ServiceAccount),
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'apps/v1/Deployment': model(Deployment),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'networking.k8s.io/v1/Ingress': model(Ingress),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'cloud.google.com/v1/BackendConfig': model(BackendConfig),
  'networking.gke.io/v1/ManagedCertificate': model(ManagedCertificate),
  'networking.gke.io/v1beta1/FrontendConfig': model(FrontendConfig),
  'monitoring.googleapis.com/v1/PodMonitoring': (object) => {
    if (!podMonitoring(object)) throw new Error(ajv.errorsText(podMonitoring.errors, { dataVar: 'object' }));
  },
};

export const knownKinds = Object.keys(validators);

/** Validates one object; returns the problems (empty when valid). */
export function validateObject(object: K8sObject): string[] {
  const id = `${object.kind} ${object.metadata?.name}`;
  const validate = validators[`${object.apiVersion}/${object.kind}`];
  if (!validate)
    return [`${id}: no schema for ${object.apiVersion} ${object.kind} (add one in src/schema.ts)`];
  try {
    validate(object);
    return [];
  } catch (error) {
    return [`${id}: ${(error as Error).message}`];
  }
}

export function validateAll(objects: K8sObject[]): string[] {
  return objects.flatMap(validateObject);
}
