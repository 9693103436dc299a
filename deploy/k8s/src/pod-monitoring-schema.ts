/**
 * JSON schema of Managed Service for Prometheus' `PodMonitoring` (monitoring.googleapis.com/v1), written
 * from the CRD's openAPIV3Schema (GoogleCloudPlatform/prometheus-engine,
 * charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml). No npm package ships it.
 *
 * It covers the fields a plain-HTTP scrape uses; authorization, TLS, OAuth2 and proxy settings are left
 * out on purpose, and every object is closed (`additionalProperties: false`), so a typo or a field we do
 * not use fails here instead of being silently pruned by the API server.
 */

// Prometheus duration, as the CRD's `format: duration` expects (e.g. 30s, 1m30s).
const duration = {
  type: 'string',
  pattern: '^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$',
  minLength: 2,
};
const labelName = { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' };

const labelSelector = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

const endpoint = {
  type: 'object',
  additionalProperties: false,
  required: ['interval', 'port'],
  properties: {
    port: {
      anyOf: [
        { type: 'integer', minimum: 1, maximum: 65535 },
        { type: 'string', minLength: 1, maxLength: 253 },
      ],
    },
    path: { type: 'string' },
    scheme: { enum: ['http', 'https'] },
    interval: duration,
    timeout: duration,
    params: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    metricRelabeling: {
      type: 'array',
      maxItems: 250,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          action: {
            enum: [
              'replace',
              'lowercase',
              'uppercase',
              'keep',
              'drop',
              'keepequal',
              'dropequal',
              'hashmod',
              'labeldrop',
              'labelkeep',
            ],
          },
          modulus: { type: 'integer' },
          regex: { type: 'string', maxLength: 10000 },
          replacement: { type: 'string' },
          separator: { type: 'string' },
          sourceLabels: { type: 'array', maxItems: 100, items: labelName },
          targetLabel: labelName,
        },
      },
    },
  },
};

export const podMonitoringSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.googleapis.com/v1' },
    kind: { const: 'PodMonitoring' },
    metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoints', 'selector'],
      properties: {
        selector: labelSelector,
        endpoints: { type: 'array', minItems: 1, maxItems: 10, items: endpoint },
        filterRunning: { type: 'boolean' },
        limits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            labelNameLength: { type: 'integer' },
            labelValueLength: { type: 'integer' },
            labels: { type: 'integer' },
            samples: { type: 'integer' },
          },
        },
        targetLabels: {
          type: 'object',
          additionalProperties: false,
          properties: {
            fromPod: {
              type: 'array',
              maxItems: 100,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['from'],
                properties: { from: { type: 'string' }, to: labelName },
              },
            },
            metadata: {
              type: 'array',
              items: {
                enum: ['container', 'node', 'pod', 'top_level_controller_name', 'top_level_controller_type'],
              },
            },
          },
        },
      },
    },
  },
} as const;
