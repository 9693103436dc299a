/** One line, single spaces: handlers match the SQL shape, not its layout. */
export function normalizeSql(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** Matches `sql` (normalised) against `pattern`; a handler's first step. */
export function matchSql(sql: string, pattern: RegExp): RegExpExecArray | null {
  return pattern.exec(normalizeSql(sql));
}
