import { bigQueryError } from './errors.js';
import type { StubField, StubRow } from './types.js';
import { estimateRowsBytes } from './wire.js';

export interface StubDataset {
  projectId: string;
  datasetId: string;
  location: string;
  labels: Record<string, string>;
  description?: string;
  friendlyName?: string;
  creationTime: number;
  lastModifiedTime: number;
}

export interface StubTable {
  projectId: string;
  datasetId: string;
  tableId: string;
  type: 'TABLE' | 'SNAPSHOT' | 'VIEW';
  schema: StubField[];
  /** The table's content; query handlers read it, `numRows` is its length. */
  rows: StubRow[];
  /** Storage size BigQuery reports and bills a full scan at; default: estimated from `rows`. */
  numBytes?: number;
  location: string;
  labels: Record<string, string>;
  description?: string;
  friendlyName?: string;
  /** Epoch milliseconds, as BigQuery reports them. */
  creationTime: number;
  lastModifiedTime: number;
  expirationTime?: number;
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  /** https://cloud.google.com/bigquery/docs/reference/rest/v2/tables#TimePartitioning */
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  /** For SNAPSHOT tables: the table it was taken from and when. */
  snapshotDefinition?: { baseTableReference: TableReference; snapshotTime: string };
}

export interface TableReference {
  projectId: string;
  datasetId: string;
  tableId: string;
}

export type NewDataset = Pick<StubDataset, 'projectId' | 'datasetId'> & Partial<StubDataset>;
export type NewTable = Pick<StubTable, 'projectId' | 'datasetId' | 'tableId' | 'schema'> & Partial<StubTable>;

const datasetKey = (projectId: string, datasetId: string) => `${projectId}.${datasetId}`;
const tableKey = (ref: TableReference) => `${ref.projectId}.${ref.datasetId}.${ref.tableId}`;

/**
 * The stub's in-memory BigQuery: datasets and tables keyed by `project.dataset[.table]`.
 * Routes read and (for future write routes) change it only through these methods, so every
 * change bumps `lastModifiedTime` the way BigQuery does.
 */
export class StubModel {
  private readonly datasets = new Map<string, StubDataset>();
  private readonly tables = new Map<string, StubTable>();
  /**
   * IAM permissions the caller lacks, as `project.dataset.table:permission` (or
   * `project.dataset:permission`). `tables.testIamPermissions` leaves them out of its answer; the
   * stub does not enforce them elsewhere (inject `accessDenied` for that).
   */
  readonly deniedPermissions = new Set<string>();
  /** `grantOnly`: resources (`project.dataset` prefixes) on which the caller holds only a role's permissions. */
  readonly grants = new Map<string, Set<string>>();

  constructor(readonly defaultLocation = 'US') {}

  addDataset(input: NewDataset): StubDataset {
    const now = Date.now();
    const dataset: StubDataset = {
      location: this.defaultLocation,
      labels: {},
      creationTime: now,
      lastModifiedTime: now,
      ...definedOnly(input),
    };
    this.datasets.set(datasetKey(dataset.projectId, dataset.datasetId), dataset);
    return dataset;
  }

  getDataset(projectId: string, datasetId: string): StubDataset | undefined {
    return this.datasets.get(datasetKey(projectId, datasetId));
  }

  /** Adds (or replaces) a table; its dataset is created on the fly when missing. */
  addTable(input: NewTable): StubTable {
    const dataset =
      this.getDataset(input.projectId, input.datasetId) ??
      this.addDataset(
        definedOnly({ projectId: input.projectId, datasetId: input.datasetId, location: input.location }),
      );
    const now = Date.now();
    const table: StubTable = {
      type: 'TABLE',
      rows: [],
      location: dataset.location,
      labels: {},
      creationTime: now,
      lastModifiedTime: now,
      ...definedOnly(input),
    };
    this.tables.set(tableKey(table), table);
    return table;
  }

  getTable(ref: TableReference): StubTable | undefined {
    return this.tables.get(tableKey(ref));
  }

  /** The table named `project.dataset.table`, or a BigQuery `notFound` error like a query would get. */
  requireTable(qualifiedId: string): StubTable {
    const [projectId = '', datasetId = '', tableId = ''] = qualifiedId.split('.');
    const table = this.getTable({ projectId, datasetId, tableId });
    if (!table || qualifiedId.split('.').length !== 3) {
      throw bigQueryError('notFound', `Not found: Table ${projectId}:${datasetId}.${tableId} was not found`);
    }
    return table;
  }

  /** Applies `patch` and bumps `lastModifiedTime` (strictly increasing, as tests compare versions). */
  updateTable(ref: TableReference, patch: Partial<Omit<StubTable, keyof TableReference>>): StubTable {
    const table = this.getTable(ref);
    if (!table)
      throw bigQueryError('notFound', `Not found: Table ${ref.projectId}:${ref.datasetId}.${ref.tableId}`);
    Object.assign(table, patch, { lastModifiedTime: Math.max(Date.now(), table.lastModifiedTime + 1) });
    return table;
  }

  deleteTable(ref: TableReference): boolean {
    return this.tables.delete(tableKey(ref));
  }

  /** Makes `tables.testIamPermissions` on `resource` (`project.dataset[.table]`) omit `permission`. */
  denyPermission(resource: string, permission: string): void {
    this.deniedPermissions.add(`${resource}:${permission}`);
  }

  /** The caller holds exactly `permissions` on `dataset` (`project.dataset`) and its tables, like one role. */
  grantOnly(dataset: string, permissions: readonly string[]): void {
    this.grants.set(dataset, new Set(permissions));
  }

  hasPermission(resource: string, permission: string): boolean {
    const dataset = resource.split('.').slice(0, 2).join('.');
    if (this.grants.get(dataset)?.has(permission) === false) return false;
    return ![resource, dataset].some((r) => this.deniedPermissions.has(`${r}:${permission}`));
  }

  listTables(projectId: string, datasetId: string): StubTable[] {
    return [...this.tables.values()].filter((t) => t.projectId === projectId && t.datasetId === datasetId);
  }

  /** Bytes a full scan of `table` reads: `numBytes` when set, else an estimate from its rows. */
  tableBytes(table: StubTable): number {
    return table.numBytes ?? estimateRowsBytes(table.schema, table.rows);
  }
}

/** `input` without its undefined properties, so they do not override defaults when spread. */
function definedOnly<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}
