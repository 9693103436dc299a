import { PassThroughClient } from 'google-auth-library';
import { expect, it } from 'vitest';
import { BigQueryError, createClient, toBigQueryError } from '../src/index.js';

it.each([
  ['Google with ADC by default', undefined, 'https://bigquery.googleapis.com', null],
  [
    'an https override with ADC',
    'https://bigquery-psc.p.googleapis.com',
    'https://bigquery-psc.p.googleapis.com',
    null,
  ],
  [
    'a plain-http emulator with no credentials',
    'http://127.0.0.1:9050',
    'http://127.0.0.1:9050',
    PassThroughClient,
  ],
])('talks to %s', (_, apiEndpoint, endpoint, credential) => {
  const client = createClient({ projectId: 'tilestack-tests', apiEndpoint });
  expect(client.apiEndpoint).toBe(endpoint);
  expect(client.projectId).toBe('tilestack-tests');
  // Nothing pre-set means google-auth-library resolves ADC on the first call.
  if (credential) expect(client.authClient.cachedCredential).toBeInstanceOf(credential);
  else expect(client.authClient.cachedCredential).toBeNull();
});

// Reasons and statuses as https://cloud.google.com/bigquery/docs/error-messages lists them; the API's
// errors.test.ts sends the reasons the stub can answer through the real client.
it.each([
  [{ code: 403 }, 'forbidden', 'accessDenied'],
  [{ code: 429 }, 'busy', 'busy'],
  [{ code: 409, errors: [{ reason: 'duplicate' }] }, 'duplicate', 'duplicate'],
  [{ code: 'ETIMEDOUT' }, 'timeout', 'timeout'],
  [{ name: 'AbortError' }, 'timeout', 'timeout'],
  [{ code: 504 }, 'timeout', 'timeout'],
])('classifies %j as %s', (error, kind, reason) => {
  const e = toBigQueryError(Object.assign(new Error('x'), error));
  expect(e).toBeInstanceOf(BigQueryError);
  expect([e.kind, e.reason]).toEqual([kind, reason]);
  expect(e.retryAfter).toBe(kind === 'busy' ? 5 : undefined);
});
