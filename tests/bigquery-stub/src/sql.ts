import bigquery from 'node-sql-parser/build/bigquery.js';
import { bigQueryError } from './errors.js';

// node-sql-parser's BigQuery (GoogleSQL) grammar is the oracle: nobody here wrote it, so the stub cannot
// accept SQL the real service rejects just because our own code produced it.
const parser = new bigquery.Parser();
const options = { database: 'bigquery' };

/** A single-table SELECT as handlers see it: parsed, then each part rendered canonically by the parser. */
export interface ParsedSelect {
  /** The table read, as quoted in the FROM clause (`project.dataset.table`); none for `SELECT 1`. */
  table?: string;
  alias?: string;
  asOf?: string;
  columns: string[];
  /** The WHERE clause split on its top-level ANDs: `z = @z`, `carto_partition IS NULL`, … */
  where: string[];
  limit?: number;
}

/**
 * Parses `sql` as BigQuery does before running anything; a syntax error is BigQuery's 400 `invalidQuery`,
 * "Syntax error: Unexpected … at [line:column]". Undefined for valid SQL that is not a SELECT of at most
 * one table (scripts, joins, DDL): handlers may still read `query`.
 */
export function parseSelect(sql: string): ParsedSelect | undefined {
  // Tile queries repeat one text; parsing takes ~0.5 ms, so keep what was parsed.
  if (parsed.size >= 1000) parsed.clear();
  if (!parsed.has(sql)) parsed.set(sql, parse(sql));
  return parsed.get(sql);
}

const parsed = new Map<string, ParsedSelect | undefined>();

function parse(sql: string): ParsedSelect | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: node-sql-parser's AST types are loose unions
  let ast: any;
  try {
    ast = parser.astify(sql, options);
  } catch (error) {
    const { location } = error as { location?: { start: { offset: number; line: number; column: number } } };
    if (!location) throw error;
    const { offset, line, column } = location.start;
    const message = `Syntax error: Unexpected ${token(sql.slice(offset))} at [${line}:${column}]`;
    throw bigQueryError('invalidQuery', message);
  }
  const from = Array.isArray(ast) || ast.type !== 'select' ? [{}] : (ast.from ?? []);
  if (from.length > 1 || (from.length === 1 && !from[0].table)) return undefined;
  const render = (expr: unknown) => parser.exprToSQL(expr as never, options);
  const split = (e: typeof ast): string[] =>
    e?.type === 'binary_expr' && e.operator === 'AND' ? [...split(e.left), ...split(e.right)] : [render(e)];
  const limit = ast.limit?.value?.[0]?.value;
  return {
    table: ast.from?.[0].table,
    alias: ast.from?.[0].as ?? undefined,
    asOf: ast.for_sys_time_as_of ? render(ast.for_sys_time_as_of.expr) : undefined,
    // biome-ignore lint/suspicious/noExplicitAny: a select-list item
    columns: ast.columns.map((c: any) => {
      const text =
        c.type === 'except'
          ? `* EXCEPT (${c.expr_list.map((e: { expr: unknown }) => render(e.expr)).join(', ')})`
          : render(c.expr);
      const alias = typeof c.as === 'string' ? c.as : c.as?.value;
      return alias ? `${text} AS ${alias}` : text;
    }),
    where: ast.where ? split(ast.where) : [],
    limit: typeof limit === 'number' ? limit : undefined,
  };
}

/** True when `select` has exactly these columns, these predicates (in any order: AND commutes) and limit. */
export function selects(
  select: ParsedSelect | undefined,
  shape: { columns: string[]; where?: string[]; limit?: number; asOf?: boolean },
): boolean {
  if (!select) return false;
  const where = shape.where ?? [];
  return (
    select.columns.join() === shape.columns.join() &&
    select.where.length === where.length &&
    where.every((p) => select.where.includes(p)) &&
    select.limit === shape.limit &&
    (select.asOf !== undefined) === (shape.asOf ?? false)
  );
}

// GoogleSQL's reserved keywords (https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical#reserved_keywords),
// so the message names what BigQuery would: "keyword AS", "identifier "t"", "end of script".
const RESERVED = new Set(
  `ALL AND ANY ARRAY AS ASC ASSERT_ROWS_MODIFIED AT BETWEEN BY CASE CAST COLLATE CONTAINS CREATE CROSS CUBE CURRENT
  DEFAULT DEFINE DESC DISTINCT ELSE END ENUM ESCAPE EXCEPT EXCLUDE EXISTS EXTRACT FALSE FETCH FOLLOWING FOR FROM FULL
  GROUP GROUPING GROUPS HASH HAVING IF IGNORE IN INNER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LIKE LIMIT LOOKUP
  MERGE NATURAL NEW NO NOT NULL NULLS OF ON OR ORDER OUTER OVER PARTITION PRECEDING PROTO QUALIFY RANGE RECURSIVE
  RESPECT RIGHT ROLLUP ROWS SELECT SET SOME STRUCT TABLESAMPLE THEN TO TREAT TRUE UNBOUNDED UNION UNNEST USING WHEN
  WHERE WINDOW WITH WITHIN`.split(/\s+/),
);

function token(rest: string): string {
  const word = /^[A-Za-z_]\w*/.exec(rest)?.[0];
  if (word)
    return RESERVED.has(word.toUpperCase()) ? `keyword ${word.toUpperCase()}` : `identifier "${word}"`;
  const number = /^\d+/.exec(rest)?.[0];
  if (number) return `integer literal "${number}"`;
  return rest === '' ? 'end of script' : `"${rest[0]}"`;
}
