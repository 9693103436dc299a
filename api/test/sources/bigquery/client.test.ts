import { PassThroughClient } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { createBigQueryClient } from '../../../src/sources/bigquery/client.js';
import { addTestTileset, BILLING_PROJECT, startStubbedBigQuery } from '../../support/bigquery.js';

const base = { BIGQUERY_BILLING_PROJECT: BILLING_PROJECT, BIGQUERY_TIMEOUT_MS: 1000 };

describe('BigQuery client', () => {
  it('uses Application Default Credentials against Google by default', () => {
    const client = createBigQueryClient(base);

    expect(client.apiEndpoint).toBe('https://bigquery.googleapis.com');
    expect(client.projectId).toBe(BILLING_PROJECT);
    // Nothing pre-set: google-auth-library resolves ADC on the first call.
    expect(client.authClient.cachedCredential).toBeNull();
  });

  it('keeps ADC for an https endpoint override', () => {
    const client = createBigQueryClient({
      ...base,
      BIGQUERY_API_ENDPOINT: 'https://bigquery-psc.p.googleapis.com',
    });

    expect(client.apiEndpoint).toBe('https://bigquery-psc.p.googleapis.com');
    expect(client.authClient.cachedCredential).toBeNull();
  });

  it('sends no credentials to a plain-http emulator', () => {
    const client = createBigQueryClient({ ...base, BIGQUERY_API_ENDPOINT: 'http://127.0.0.1:9050' });

    expect(client.authClient.cachedCredential).toBeInstanceOf(PassThroughClient);
  });

  it('refuses to start without a billing project', () => {
    expect(() => createBigQueryClient({ BIGQUERY_TIMEOUT_MS: 1000 })).toThrow(/BIGQUERY_BILLING_PROJECT/);
  });

  it('runs queries in BIGQUERY_LOCATION and bills them to BIGQUERY_BILLING_PROJECT', async () => {
    const bq = await startStubbedBigQuery({
      BIGQUERY_LOCATION: 'EU',
      BIGQUERY_BILLING_PROJECT: 'other-billing-1',
    });
    try {
      const id = addTestTileset(bq.stub, { tableId: 'buildings' });
      await bq.source.getTile(id, 6, 15, 24);

      for (const request of bq.stub.requestsTo('jobs.query')) {
        expect(request.path).toBe('/bigquery/v2/projects/other-billing-1/queries');
        expect(request.body.location).toBe('EU');
      }
    } finally {
      await bq.close();
    }
  });
});
