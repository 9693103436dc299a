import { selects } from '../sql.js';
import type { QueryHandler, StubRow } from '../types.js';
import { estimateRowsBytes } from '../wire.js';

/**
 * The tile-range query of `stable-copy extract` (`tools/stable-copy/src/extract/sql.ts`), one per zoom:
 * ``SELECT z, x, y, data FROM `t` WHERE [carto_partition IN UNNEST(@partitions) AND] z = @z
 * AND x BETWEEN @xmin AND @xmax AND y BETWEEN @ymin AND @ymax``. With the partition filter, rows are
 * selected by their stored partition and billed as reading those partitions; without it, as a full scan.
 */
const range = ['z = @z', 'x BETWEEN @xmin AND @xmax', 'y BETWEEN @ymin AND @ymax'];
const columns = ['z', 'x', 'y', 'data'];

export const cartoExtractHandler: QueryHandler = ({ select, params, model }) => {
  const partitioned = selects(select, {
    columns,
    where: ['carto_partition IN UNNEST(@partitions)', ...range],
  });
  if (!partitioned && !selects(select, { columns, where: range })) return undefined;
  const table = model.requireTable(select?.table ?? '');
  const wanted = new Set(partitioned ? (params.partitions as number[]) : []);
  const scanned = partitioned
    ? table.rows.filter((r) => wanted.has(r.carto_partition as number))
    : table.rows;
  const inRange = (r: StubRow) =>
    r.z === params.z &&
    (r.x as number) >= (params.xmin as number) &&
    (r.x as number) <= (params.xmax as number) &&
    (r.y as number) >= (params.ymin as number) &&
    (r.y as number) <= (params.ymax as number);
  const schema = table.schema.filter((f) => ['z', 'x', 'y', 'data'].includes(f.name));
  return {
    schema,
    rows: scanned.filter(inRange),
    bytesProcessed: partitioned ? estimateRowsBytes(table.schema, scanned) : model.tableBytes(table),
  };
};
