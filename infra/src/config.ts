import * as pulumi from '@pulumi/pulumi';
import { labelsOf } from './google.js';

// Every setting of an environment stack with its default. Stack files (Pulumi.<stack>.yaml, written
// from environments.yaml) override only what differs; nothing here is secret.
const cfg = new pulumi.Config();
const gcpCfg = new pulumi.Config('gcp');

export const environment = pulumi.getStack(); // dev, staging or prod
export const project = gcpCfg.require('project'); // one per environment: GKE roles exist only project-wide
export const region = gcpCfg.get('region') ?? 'us-central1'; // near the BigQuery data (US multi-region)
export const prefix = `tilestack-${environment}`; // of every physical name, e.g. tilestack-dev-gke
export const labels = labelsOf(environment);
export const sharedStack = cfg.get('sharedStack') ?? 'organization/tilestack-shared/shared';
export const hostname = cfg.require('hostname'); // probed by the uptime check
export const alertEmail = cfg.require('alertEmail'); // receives every alert of this environment

// Kubernetes names the manifests (deploy/k8s) use.
export const k8sNamespace = cfg.get('k8sNamespace') ?? 'tilestack';
export const apiKsa = cfg.get('apiKsa') ?? 'tilestack-api';

// Network: Autopilot needs at least a /21 for pods; a /14 leaves room to grow.
export const subnetCidr = cfg.get('subnetCidr') ?? '10.0.0.0/20';
export const podsCidr = cfg.get('podsCidr') ?? '10.4.0.0/14';
export const servicesCidr = cfg.get('servicesCidr') ?? '10.8.0.0/20';

// Cluster. GKE wants at least 48 h of maintenance windows per 32 days: 8 h on Saturdays and Sundays
// (of the RFC 3339 start and end only the time of day and weekday matter).
export const releaseChannel = cfg.get('releaseChannel') ?? 'REGULAR';
export const deletionProtection = cfg.getBoolean('deletionProtection') ?? false; // cluster and dataset
export const maintenanceStart = cfg.get('maintenanceStart') ?? '2025-01-04T02:00:00Z';
export const maintenanceEnd = cfg.get('maintenanceEnd') ?? '2025-01-04T10:00:00Z';
export const maintenanceRecurrence = cfg.get('maintenanceRecurrence') ?? 'FREQ=WEEKLY;BYDAY=SA,SU';

// Data. BigQuery cannot copy across locations: the stable dataset lives where the source does.
export const sourceDataLocation = cfg.get('sourceDataLocation') ?? 'US';
export const stableDatasetId = cfg.get('stableDatasetId') ?? 'tilestack_stable';
export const billingProject = cfg.get('billingProject') ?? project; // billed for the API's queries

// Also require a GitHub-hosted runner and a push or manual run to act on this environment (prod).
export const githubStrict = cfg.getBoolean('githubStrict') ?? false;

// Edge security.
export const rateLimitPerMinute = cfg.getNumber('rateLimitPerMinute') ?? 1200; // per client IP, then 429
export const rateLimitBanSeconds = cfg.getNumber('rateLimitBanSeconds') ?? 600; // after 5 min above it
export const wafPreview = cfg.getBoolean('wafPreview') ?? false; // WAF rules only log
export const binauthzEnforcement = cfg.get('binauthzEnforcement') ?? 'ENFORCED_BLOCK_AND_AUDIT_LOG';

// Monitoring: SLO goals over the edge's requests, and the threshold alerts' limits.
export const availabilityGoal = cfg.getNumber('availabilityGoal') ?? 0.995; // share not 5xx
export const latencyGoal = cfg.getNumber('latencyGoal') ?? 0.95; // share within latencyThresholdMs
export const latencyThresholdMs = cfg.getNumber('latencyThresholdMs') ?? 500; // load balancer ↔ cache
export const sloWindowDays = cfg.getNumber('sloWindowDays') ?? 28; // Cloud Monitoring allows 1 to 30
export const errorRatioThreshold = cfg.getNumber('errorRatioThreshold') ?? 0.02; // 5xx share at the edge
export const apiLatencyP95Seconds = cfg.getNumber('apiLatencyP95Seconds') ?? 2.5; // tile misses
