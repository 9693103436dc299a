import { orNotFound } from './errors.js';
import { estimateRowsBytes } from './wire.js';

/** A column as BigQuery describes it (`TableFieldSchema`); RECORD columns nest `fields`. */
export interface StubField {
  name: string;
  type: string;
  mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
  fields?: StubField[];
  description?: string;
}

/** A row by column name: `Buffer` for BYTES, `Date`/ISO text for TIMESTAMP, GeoJSON for GEOGRAPHY, … */
export type StubRow = Record<string, unknown>;

export type TableReference = { projectId: string; datasetId: string; tableId: string };

export interface StubDataset {
  projectId: string;
  datasetId: string;
  location: string;
  labels: Record<string, string>;
  description?: string;
  creationTime: number;
  lastModifiedTime: number;
}

export interface StubTable extends TableReference, Omit<StubDataset, 'projectId' | 'datasetId'> {
  type: 'TABLE' | 'SNAPSHOT' | 'VIEW';
  schema: StubField[];
  rows: StubRow[];
  /** Storage size BigQuery reports and bills a full scan at; default: estimated from `rows`. */
  numBytes?: number;
  expirationTime?: number;
  rangePartitioning?: { field: string; range: { start: string; end: string; interval: string } };
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  snapshotDefinition?: { baseTableReference: TableReference; snapshotTime: string };
}

type NewDataset = Pick<StubDataset, 'projectId' | 'datasetId'> & Partial<StubDataset>;
type NewTable = Pick<StubTable, 'projectId' | 'datasetId' | 'tableId' | 'schema'> & Partial<StubTable>;

const key = (ref: TableReference | string) =>
  typeof ref === 'string' ? ref : `${ref.projectId}.${ref.datasetId}.${ref.tableId}`;

/** The stub's in-memory BigQuery: datasets and tables keyed by `project.dataset[.table]`. */
export class StubModel {
  private readonly datasets = new Map<string, StubDataset>();
  private readonly tables = new Map<string, StubTable>();
  private readonly denied = new Set<string>();
  private readonly grants = new Map<string, Set<string>>();

  constructor(readonly defaultLocation = 'US') {}

  addDataset(input: NewDataset): StubDataset {
    const dataset = { location: this.defaultLocation, labels: {}, ...times(), ...definedOnly(input) };
    this.datasets.set(`${input.projectId}.${input.datasetId}`, dataset);
    return dataset;
  }

  getDataset(projectId: string, datasetId: string): StubDataset | undefined {
    return this.datasets.get(`${projectId}.${datasetId}`);
  }

  requireDataset(projectId: string, datasetId: string): StubDataset {
    return orNotFound(this.getDataset(projectId, datasetId), 'Dataset', `${projectId}:${datasetId}`);
  }

  /** Creates the table, and its dataset when missing. */
  addTable(input: NewTable): StubTable {
    const { projectId, datasetId, location } = input;
    const dataset =
      this.getDataset(projectId, datasetId) ??
      this.addDataset(definedOnly({ projectId, datasetId, location }));
    const defaults = { type: 'TABLE' as const, rows: [], labels: {}, location: dataset.location, ...times() };
    const table: StubTable = { ...defaults, ...definedOnly(input) };
    this.tables.set(key(input), table);
    return table;
  }

  getTable(ref: TableReference): StubTable | undefined {
    return this.tables.get(key(ref));
  }

  /** The table (`ref` or `project.dataset.table`), or the `notFound` error BigQuery answers. */
  requireTable(ref: TableReference | string): StubTable {
    return orNotFound(this.tables.get(key(ref)), 'Table', key(ref).replace('.', ':'));
  }

  /** Applies `patch` and bumps `lastModifiedTime` (strictly increasing, as tests compare versions). */
  updateTable(ref: TableReference, patch: Partial<Omit<StubTable, keyof TableReference>>): StubTable {
    const table = this.requireTable(ref);
    const lastModifiedTime = Math.max(Date.now(), table.lastModifiedTime + 1);
    return Object.assign(table, patch, { lastModifiedTime });
  }

  deleteTable(ref: TableReference): boolean {
    return this.tables.delete(key(ref));
  }

  listTables(projectId: string, datasetId: string): StubTable[] {
    return [...this.tables.values()].filter((t) => t.projectId === projectId && t.datasetId === datasetId);
  }

  /** Makes `resource` (`project.dataset[.table]`) lack `permission`, as `testIamPermissions` reports. */
  denyPermission(resource: string, permission: string): void {
    this.denied.add(`${resource}:${permission}`);
  }

  /** The caller holds exactly `permissions` on `dataset` (`project.dataset`) and its tables, like one role. */
  grantOnly(dataset: string, permissions: readonly string[]): void {
    this.grants.set(dataset, new Set(permissions));
  }

  hasPermission(resource: string, permission: string): boolean {
    const dataset = resource.split('.').slice(0, 2).join('.');
    if (this.grants.get(dataset)?.has(permission) === false) return false;
    return ![resource, dataset].some((r) => this.denied.has(`${r}:${permission}`));
  }
}

export const tableBytes = (table: StubTable) => table.numBytes ?? estimateRowsBytes(table.schema, table.rows);

const times = (now = Date.now()) => ({ creationTime: now, lastModifiedTime: now });

function definedOnly<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}
