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
  const w3c = TRACEPARENT.exec(String(headers.traceparent ?? ''));
  const google = w3c ? null : CLOUD_TRACE.exec(String(headers['x-cloud-trace-context'] ?? ''));
  const traceId = w3c?.[1] ?? google?.[1];
  if (!traceId || /^0+$/.test(traceId)) return undefined;
  return {
    'logging.googleapis.com/trace': project ? `projects/${project}/traces/${traceId}` : traceId,
    'logging.googleapis.com/spanId':
      w3c?.[2] ??
      BigInt(google?.[2] ?? 0)
        .toString(16)
        .padStart(16, '0'),
    'logging.googleapis.com/trace_sampled': w3c
      ? (Number.parseInt(w3c[3] ?? '0', 16) & 1) === 1
      : google?.[3] === '1',
  };
}
