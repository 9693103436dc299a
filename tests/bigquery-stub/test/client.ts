import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterEach, beforeEach } from 'vitest';
import { type BigQueryStub, startBigQueryStub } from '../src/index.js';

export const field = (name: string, type: string) => ({ name, type });
export const ref = (tableId: string) => ({ projectId: 'p', datasetId: 'd', tableId });
export let stub: BigQueryStub;
/** The official client is the oracle: it builds requests and parses answers as it does against BigQuery. */
export let client: BigQuery;

/** A fresh stub for each test, and the official client pointed at it. */
export function useStub(): void {
  beforeEach(async () => {
    stub = await startBigQueryStub();
    const authClient = new PassThroughClient();
    const retryOptions = { autoRetry: false };
    client = new BigQuery({ projectId: 'billing', apiEndpoint: stub.url, authClient, retryOptions });
  });
  afterEach(() => stub.close());
}
