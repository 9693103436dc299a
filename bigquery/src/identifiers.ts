/**
 * BigQuery identifiers that may reach SQL. Every id from a URL passes `resolveTableId` before any
 * request: a strict ASCII pattern, then the dataset allow-list, then backtick quoting. The patterns
 * leave nothing to escape inside backticks (no backtick, backslash, whitespace, inner dot or
 * non-ASCII look-alike), so quoting cannot be broken out of.
 */

/** Google Cloud project ids: 6–30 chars, lowercase letters, digits, hyphens; starts with a letter. */
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET = /^[A-Za-z0-9_]{1,1024}$/;
/**
 * Table ids: letters, digits, underscores, single hyphens between them (never `--`, a comment to
 * humans and log scanners); at most 1024 chars; no decorators (`@`, `$`), wildcards (`*`) or
 * meta-tables (`INFORMATION_SCHEMA`, `__TABLES__`).
 */
const TABLE = /^(?!INFORMATION_SCHEMA$|__)(?=.{1,1024}$)[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$/i;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;

export interface TableRef {
  projectId: string;
  datasetId: string;
  tableId: string;
  /** `project.dataset.table`, as the client wrote it. */
  id: string;
  /** The table as a quoted SQL identifier: `` `project.dataset.table` ``. */
  sql: string;
}

/** `project.dataset.table` split and checked against the patterns above, or null. */
export function parseTableId(id: unknown): TableRef | null {
  if (typeof id !== 'string' || id.length > 30 + 1024 + 1024 + 2) return null;
  const [projectId = '', datasetId = '', tableId = '', ...rest] = id.split('.');
  if (rest.length > 0 || !PROJECT.test(projectId) || !DATASET.test(datasetId) || !TABLE.test(tableId))
    return null;
  return { projectId, datasetId, tableId, id, sql: `\`${id}\`` };
}

/** `project.dataset` pairs that may be read; built once from configuration. */
export class DatasetAllowList {
  private readonly allowed: ReadonlySet<string>;

  /** Throws when an entry is not a valid `project.dataset` (a configuration error). */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [projectId = '', datasetId = '', ...rest] = entry.split('.');
      if (rest.length > 0 || !PROJECT.test(projectId) || !DATASET.test(datasetId)) {
        throw new Error(`BIGQUERY_ALLOWED_DATASETS: '${entry}' is not a project.dataset id`);
      }
    }
    this.allowed = new Set(entries);
  }

  allows(ref: Pick<TableRef, 'projectId' | 'datasetId'>): boolean {
    return this.allowed.has(`${ref.projectId}.${ref.datasetId}`);
  }
}

/** The table `id` names if it is well-formed and its dataset is allowed; null otherwise (→ 404). */
export function resolveTableId(id: unknown, allowList: DatasetAllowList): TableRef | null {
  const ref = parseTableId(id);
  return ref && allowList.allows(ref) ? ref : null;
}

export function isColumnName(name: unknown): name is string {
  return typeof name === 'string' && COLUMN.test(name);
}

/** A column name already checked by `isColumnName`, as a quoted SQL identifier. */
export function quoteColumn(name: string): string {
  if (!isColumnName(name)) throw new Error(`not a column name: ${name}`);
  return `\`${name}\``;
}
