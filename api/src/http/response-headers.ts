/**
 * Headers of every answer. An API of public data needs few security headers: no sniffing, no framing,
 * no referrer leaks, and explicit cross-origin grants (maps on other sites load these tiles: CORS for
 * scripts, CORP for the browser's resource policy).
 */
export const RESPONSE_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'ETag, X-Cache, Age, X-Request-Id',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'cross-origin',
} as const;
