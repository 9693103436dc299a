import { k8sNamespace } from './config.js';

// The metrics every SLO, alert and chart uses. Edge: the load balancer the GKE Ingress creates in
// front of the cache; it counts every client request, hits included. The project holds a single load
// balancer, so no URL-map filter is needed. API: the tile pods through Google Managed Prometheus;
// they see cache misses only (BigQuery latency and errors). In PromQL, Cloud Monitoring metrics are
// named `<domain with _>:<path with _>`; managed Prometheus ones keep their Prometheus names.
const edgeRequests = 'loadbalancing.googleapis.com/https/request_count';
const edgeResource = 'resource.type="https_lb_rule"';

export const filters = {
  edgeTotal: `metric.type="${edgeRequests}" ${edgeResource}`,
  edgeBad: `metric.type="${edgeRequests}" ${edgeResource} metric.label.response_code_class=500`,
  edgeLatency: `metric.type="loadbalancing.googleapis.com/https/backend_latencies" ${edgeResource}`,
};

const lb = 'monitored_resource="https_lb_rule"';
const edgeRate = (labels = '') =>
  `rate(loadbalancing_googleapis_com:https_request_count{${lb}${labels}}[5m])`;
const api = `namespace="${k8sNamespace}",route="/maps/tileset/:tileset/:z/:x/:y"`;
const p95 = (bucket: string) => `histogram_quantile(0.95, sum by (le) (rate(${bucket}[5m])))`;

export const promql = {
  edgeRate: `sum by (response_code_class) (${edgeRate()})`,
  edge5xxRatio: `sum(${edgeRate(',response_code_class="500"')}) / sum(${edgeRate()})`,
  edgeP95Ms: p95(`loadbalancing_googleapis_com:https_backend_latencies_bucket{${lb}}`),
  apiTileRate: `sum by (status) (rate(http_requests_total{${api}}[5m]))`,
  apiTileP95Seconds: p95(`http_request_duration_seconds_bucket{${api}}`),
  cacheOffload: `1 - sum(rate(http_requests_total{${api}}[5m])) / sum(${edgeRate()})`,
  bigQueryBytesBilled: `sum by (kind) (rate(tilestack_bigquery_bytes_billed_total{namespace="${k8sNamespace}"}[1h]))`,
};
