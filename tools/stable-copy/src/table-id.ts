// The API's identifier rules, reused as is (relative import into the api workspace) so the tool
// accepts exactly the ids the API serves and never puts an unchecked id into SQL.
import { parseTableId, type TableRef } from '../../../api/src/sources/bigquery/identifiers.js';
import { usageError } from './errors.js';

export type { TableRef };

/** `project.dataset.table` from a flag, or a usage error naming the flag. */
export function tableIdFlag(flag: string, value: string | undefined): TableRef {
  if (!value) throw usageError(`--${flag} is required (project.dataset.table)`);
  const ref = parseTableId(value);
  if (!ref) throw usageError(`--${flag} '${value}' is not a valid project.dataset.table id`);
  return ref;
}

/** A table in the same dataset as `ref`. */
export function siblingTable(ref: TableRef, tableId: string): TableRef {
  const id = `${ref.projectId}.${ref.datasetId}.${tableId}`;
  const sibling = parseTableId(id);
  if (!sibling) throw usageError(`'${id}' is not a valid table id`);
  return sibling;
}
