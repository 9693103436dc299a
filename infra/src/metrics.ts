import { k8sNamespace } from './config.js';

// The metrics every SLO, alert and chart is built on, in one place so they stay consistent.
//
// Edge = the external HTTP(S) load balancer that the GKE Ingress creates in front of the cache
// (Varnish). Its metrics count every client request, cache hits included: what users see.
// Each environment's project holds a single load balancer, so no URL map filter is needed, and
// every request through it is a request to the cache: tile requests, apart from a negligible
// share of GeoJSON and health checks.
//
// API = the tile API pods, scraped by Google Managed Prometheus (PodMonitoring in deploy/k8s).
// They only see cache misses: the cause side (BigQuery latency and errors).

/** Edge request count; labels response_code, response_code_class (200, 400, 500…). */
export const edgeRequests = 'loadbalancing.googleapis.com/https/request_count';
/** Edge latency from the load balancer to the cache and back (ms), without the client's network. */
export const edgeBackendLatencies = 'loadbalancing.googleapis.com/https/backend_latencies';
/** Monitored resource of both edge metrics. */
export const edgeResource = 'https_lb_rule';

/** Prometheus counter `http_requests_total{route,method,status}` as stored by managed Prometheus. */
export const apiRequests = 'prometheus.googleapis.com/http_requests_total/counter';
/** Prometheus histogram `http_request_duration_seconds{route,method}` as stored by managed Prometheus. */
export const apiLatency = 'prometheus.googleapis.com/http_request_duration_seconds/histogram';
/** The route label of tile requests (Fastify's route pattern). */
export const tileRoute = '/maps/tileset/:tileset/:z/:x/:y';

// Monitoring filters (SLOs) and PromQL (alerts, charts) over the same metrics. In PromQL, Cloud
// Monitoring metrics are named `<domain with _>:<path with _>`, managed Prometheus ones keep their
// Prometheus names.
export const filters = {
  edgeTotal: `metric.type="${edgeRequests}" resource.type="${edgeResource}"`,
  edgeBad: `metric.type="${edgeRequests}" resource.type="${edgeResource}" metric.label.response_code_class=500`,
  edgeLatency: `metric.type="${edgeBackendLatencies}" resource.type="${edgeResource}"`,
};

const lb = `monitored_resource="${edgeResource}"`;
const api = `namespace="${k8sNamespace}",route="${tileRoute}"`;

export const promql = {
  edgeRate: `sum by (response_code_class) (rate(loadbalancing_googleapis_com:https_request_count{${lb}}[5m]))`,
  edge5xxRatio:
    `sum(rate(loadbalancing_googleapis_com:https_request_count{${lb},response_code_class="500"}[5m]))` +
    ` / sum(rate(loadbalancing_googleapis_com:https_request_count{${lb}}[5m]))`,
  edgeP95Ms: `histogram_quantile(0.95, sum by (le) (rate(loadbalancing_googleapis_com:https_backend_latencies_bucket{${lb}}[5m])))`,
  apiTileRate: `sum by (status) (rate(http_requests_total{${api}}[5m]))`,
  apiTileP95Seconds: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${api}}[5m])))`,
  cacheOffload:
    `1 - sum(rate(http_requests_total{${api}}[5m]))` +
    ` / sum(rate(loadbalancing_googleapis_com:https_request_count{${lb}}[5m]))`,
  bigQueryBytesBilled: `sum by (kind) (rate(tilestack_bigquery_bytes_billed_total{namespace="${k8sNamespace}"}[1h]))`,
};
