/**
 * Reads the trace context the Google load balancer (and any OpenTelemetry client) sends, in W3C
 * `traceparent` or Google's `X-Cloud-Trace-Context` form, as the log fields Cloud Logging uses to link
 * a log line to its Cloud Trace trace.
 */
const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;
const CLOUD_TRACE = /^([\da-f]{32})\/(\d+)(?:;o=([01]))?$/;

export function traceLogFields(
  headers: Record<string, string | string[] | undefined>,
  project: string | undefined,
): Record<string, string | boolean> | undefined {
  let traceId: string | undefined;
  let spanId: string | undefined;
  let sampled = false;
  const w3c = TRACEPARENT.exec(String(headers.traceparent ?? ''));
  const google = CLOUD_TRACE.exec(String(headers['x-cloud-trace-context'] ?? ''));
  if (w3c) {
    [, traceId, spanId] = w3c;
    sampled = (Number.parseInt(w3c[3] ?? '0', 16) & 1) === 1;
  } else if (google) {
    traceId = google[1];
    spanId = BigInt(google[2] ?? '0')
      .toString(16)
      .padStart(16, '0');
    sampled = google[3] === '1';
  }
  if (!traceId || /^0+$/.test(traceId)) return undefined;
  return {
    'logging.googleapis.com/trace': project ? `projects/${project}/traces/${traceId}` : traceId,
    'logging.googleapis.com/spanId': spanId ?? '',
    'logging.googleapis.com/trace_sampled': sampled,
  };
}
