/** A named query parameter value: INT64 (safe integers), STRING, or an ARRAY of INT64. */
export type ParameterValue = number | string | readonly number[];

/**
 * Named parameters for the REST API. Every value that varies per request goes into SQL this way
 * (`@z`, `@partition`, …), never as text; anything else is a programming error.
 */
export function toQueryParameters(params: Record<string, ParameterValue>) {
  return Object.entries(params).map(([name, value]) => {
    if (typeof value === 'string')
      return { name, parameterType: { type: 'STRING' }, parameterValue: { value } };
    if (typeof value === 'number')
      return { name, parameterType: { type: 'INT64' }, parameterValue: { value: integer(name, value) } };
    return {
      name,
      parameterType: { type: 'ARRAY', arrayType: { type: 'INT64' } },
      parameterValue: { arrayValues: value.map((item) => ({ value: integer(name, item) })) },
    };
  });
}

function integer(name: string, value: number): string {
  if (!Number.isSafeInteger(value))
    throw new TypeError(`query parameter ${name} is not an integer: ${value}`);
  return String(value);
}
