import { formatBytes, formatQueryCost } from './output.js';
import type { PreflightResult } from './preflight.js';
import type { TableRef } from './table-id.js';
import type { VerificationLevel } from './verify.js';

/** One step of a sync, in the order it runs; `--dry-run` prints them and stops. */
export interface PlanStep {
  step:
    | 'create-dataset'
    | 'copy-to-staging'
    | 'verify'
    | 'snapshot-previous'
    | 'publish'
    | 'record-provenance'
    | 'drop-staging';
  description: string;
}

export interface SyncPlan {
  steps: PlanStep[];
  costs: {
    copy: string;
    storageBytes: number;
    storage: string;
    verificationBytes: number;
    verification: string;
  };
}

/**
 * What a sync will do and cost. Copy jobs are free; the copy is billed as storage (logical bytes
 * of the table, plus what a kept snapshot holds once the table changes); `full` verification
 * bills two scans (staging and source), estimated by dry runs.
 */
export function buildSyncPlan(input: {
  source: TableRef;
  dest: TableRef;
  staging: TableRef;
  preflight: PreflightResult;
  verify: VerificationLevel;
  verificationBytes: number;
  retentionDays: number;
}): SyncPlan {
  const { preflight } = input;
  const bytes = Number(preflight.source.numBytes ?? 0);
  const steps: PlanStep[] = [];
  if (!preflight.destinationDataset) {
    steps.push({
      step: 'create-dataset',
      description: `create dataset ${input.dest.projectId}.${input.dest.datasetId} in ${preflight.location} (labelled managed-by=stable-copy)`,
    });
  }
  steps.push({
    step: 'copy-to-staging',
    description: `copy job ${input.source.id} → ${input.staging.id} (${preflight.source.numRows} rows, ${formatBytes(bytes)})`,
  });
  steps.push({
    step: 'verify',
    description:
      input.verify === 'full'
        ? `verify content fingerprints of staging and source (as of the copy), scanning ${formatQueryCost(input.verificationBytes)}`
        : 'verify schema, row count and size of staging against the source',
  });
  if (preflight.destination) {
    steps.push({
      step: 'snapshot-previous',
      description: `keep the current ${input.dest.id} as a table snapshot expiring in ${input.retentionDays} days`,
    });
  }
  steps.push({
    step: 'publish',
    description: preflight.layoutChange
      ? `partitioning/clustering change (${preflight.layoutChange}): replace ${input.dest.id} with CREATE OR REPLACE TABLE … AS SELECT * FROM ${input.staging.id} (atomic; bills a scan of ${formatQueryCost(bytes)})`
      : `copy job ${input.staging.id} → ${input.dest.id} (WRITE_TRUNCATE, atomic, free)`,
  });
  steps.push({
    step: 'record-provenance',
    description: `label and describe ${input.dest.id} with its provenance`,
  });
  steps.push({ step: 'drop-staging', description: `delete ${input.staging.id}` });
  return {
    steps,
    costs: {
      copy: 'free (copy jobs are not billed)',
      storageBytes: bytes,
      storage: `${formatBytes(bytes)} of logical storage for the destination, billed monthly`,
      verificationBytes: input.verificationBytes,
      verification:
        input.verify === 'full' ? formatQueryCost(input.verificationBytes) : 'free (metadata only)',
    },
  };
}
