import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { K8sObject } from './render.js';

/**
 * Offline validation of rendered objects against upstream schemas, by `apiVersion` and `kind`: Kubernetes'
 * OpenAPI (`kubernetes-models`), GKE's CRDs (`@kubernetes-models/gke`), else a CRD vendored in ../schemas.
 * A kind none of them knows is an error, never a silent pass.
 */
type Validator = (object: K8sObject) => void;

// CRD formats Ajv does not know: a Prometheus duration (30s, 1m30s); the others are types already checked.
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  formats: { duration: /^(\d+(ms|[smhdwy]))+$/, 'date-time': true, int32: true, int64: true },
});

// As `kubectl apply --validate=strict` does, an unknown field is an error instead of being pruned.
function closed(schema: Record<string, unknown>): Record<string, unknown> {
  for (const value of Object.values(schema)) if (value && typeof value === 'object') closed(value as never);
  const open = 'additionalProperties' in schema || schema['x-kubernetes-preserve-unknown-fields'];
  if (schema.properties && !open) schema.additionalProperties = false;
  return schema;
}

const crds: Record<string, Validator> = {};
for (const file of ['monitoring.googleapis.com_podmonitorings.yaml']) {
  const { spec } = parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8'));
  for (const { name, schema } of spec.versions) {
    const validate = ajv.compile(closed(schema.openAPIV3Schema));
    crds[`${spec.group}/${name}/${spec.names.kind}`] = (object) => {
      if (!validate(object)) throw new Error(ajv.errorsText(validate.errors, { dataVar: 'object' }));
    };
  }
}

async function validatorOf({ apiVersion, kind }: K8sObject): Promise<Validator | undefined> {
  for (const models of ['kubernetes-models', '@kubernetes-models/gke']) {
    try {
      const Model = (await import(`${models}/${apiVersion}/${kind}`))[kind];
      return (object) => new Model(object).validate();
    } catch {}
  }
  return crds[`${apiVersion}/${kind}`];
}

/** Validates each object; returns the problems (empty when all are valid). */
export async function validateAll(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const validate = await validatorOf(object);
    try {
      if (!validate) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
      validate(object);
    } catch (error) {
      problems.push(`${object.kind} ${object.metadata?.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}
