import * as pulumi from '@pulumi/pulumi';
import { labelsOf } from './google.js';

// Every setting of an environment stack, with its type and default. Stack files
// (Pulumi.<stack>.yaml) only override what differs; nothing here is secret.
const cfg = new pulumi.Config();
const gcpCfg = new pulumi.Config('gcp');

/** The stack name is the environment name: dev, staging or prod. */
export const environment = pulumi.getStack();
/** Google Cloud project of this environment (one project per environment: GKE IAM is project-wide). */
export const project = gcpCfg.require('project');
/** Region of the cluster, subnet and regional resources; near the BigQuery data (US multi-region). */
export const region = gcpCfg.get('region') ?? 'us-central1';
/** Prefix of every physical resource name, e.g. `tilestack-dev-gke`. */
export const prefix = `tilestack-${environment}`;
export const labels = labelsOf(environment);

/** The shared stack (registry, WIF pool, attestor) this environment reads outputs from. */
export const sharedStack = cfg.get('sharedStack') ?? 'organization/tilestack-shared/shared';

// Public entry.
/** Public hostname of the environment; the uptime check uses it (the certificate is the Ingress's). */
export const hostname = cfg.require('hostname');

// Kubernetes names the manifests (deploy/k8s) use.
/** Namespace of the workloads in every environment. */
export const k8sNamespace = cfg.get('k8sNamespace') ?? 'tilestack';
/** Kubernetes service account of the API pods (bound to the API's Google service account). */
export const apiKsa = cfg.get('apiKsa') ?? 'tilestack-api';

// Network.
/** Primary range of the subnet (nodes, internal load balancers). */
export const subnetCidr = cfg.get('subnetCidr') ?? '10.0.0.0/20';
/** Secondary range for pods (Autopilot needs at least a /21; a /14 leaves room to grow). */
export const podsCidr = cfg.get('podsCidr') ?? '10.4.0.0/14';
/** Secondary range for Kubernetes services. */
export const servicesCidr = cfg.get('servicesCidr') ?? '10.8.0.0/20';

// Cluster.
/** GKE release channel: REGULAR for dev/staging, STABLE for prod. */
export const releaseChannel = cfg.get('releaseChannel') ?? 'REGULAR';
/** Deletion protection of the cluster and the stable dataset (true in prod only). */
export const deletionProtection = cfg.getBoolean('deletionProtection') ?? false;
/** Maintenance window start (RFC 3339; only the time of day and weekday matter). */
export const maintenanceStart = cfg.get('maintenanceStart') ?? '2025-01-04T02:00:00Z';
/** Maintenance window end; GKE wants at least 48 h of windows per 32 days, so 8 h per day. */
export const maintenanceEnd = cfg.get('maintenanceEnd') ?? '2025-01-04T10:00:00Z';
/** Maintenance recurrence (RFC 5545 RRULE). */
export const maintenanceRecurrence = cfg.get('maintenanceRecurrence') ?? 'FREQ=WEEKLY;BYDAY=SA,SU';

// Data.
/** BigQuery location of the source tileset (carto-demo-data is in the US multi-region). */
export const sourceDataLocation = cfg.get('sourceDataLocation') ?? 'US';
/** Dataset that holds the stable copy of the source tilesets in this environment. */
export const stableDatasetId = cfg.get('stableDatasetId') ?? 'tilestack_stable';
/** Project billed for the API's BigQuery jobs (defaults to the environment's project). */
export const billingProject = cfg.get('billingProject') ?? project;

// GitHub Actions.
/** Also require a GitHub-hosted runner and a push or manual run to act on this environment (prod). */
export const githubStrict = cfg.getBoolean('githubStrict') ?? false;

// Edge security.
/** Requests per minute one client IP may send before Cloud Armor answers 429. */
export const rateLimitPerMinute = cfg.getNumber('rateLimitPerMinute') ?? 1200;
/** Seconds a client that stays above the limit for 5 minutes is banned. */
export const rateLimitBanSeconds = cfg.getNumber('rateLimitBanSeconds') ?? 600;
/** Run the preconfigured WAF rules in preview (log only) instead of blocking. */
export const wafPreview = cfg.getBoolean('wafPreview') ?? false;
/** Binary Authorization enforcement: ENFORCED_BLOCK_AND_AUDIT_LOG or DRYRUN_AUDIT_LOG_ONLY. */
export const binauthzEnforcement = cfg.get('binauthzEnforcement') ?? 'ENFORCED_BLOCK_AND_AUDIT_LOG';

// Monitoring.
/** E-mail address that receives every alert of this environment. */
export const alertEmail = cfg.require('alertEmail');
/** Availability SLO: share of edge requests that are not 5xx. */
export const availabilityGoal = cfg.getNumber('availabilityGoal') ?? 0.995;
/** Latency SLO: share of edge requests served within `latencyThresholdMs` (0.95 = p95). */
export const latencyGoal = cfg.getNumber('latencyGoal') ?? 0.95;
/** Latency SLO threshold in milliseconds, measured from the load balancer to the cache and back. */
export const latencyThresholdMs = cfg.getNumber('latencyThresholdMs') ?? 500;
/** Rolling window of both SLOs, in days (Cloud Monitoring allows 1 to 30). */
export const sloWindowDays = cfg.getNumber('sloWindowDays') ?? 28;
/** 5xx ratio at the edge above which the error alert fires. */
export const errorRatioThreshold = cfg.getNumber('errorRatioThreshold') ?? 0.02;
/** p95 latency of the API's tile route (cache misses) above which the latency alert fires, in seconds. */
export const apiLatencyP95Seconds = cfg.getNumber('apiLatencyP95Seconds') ?? 2.5;
