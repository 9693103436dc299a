/** `QueryParameter` as the REST API carries it. */
interface WireParameter {
  name?: string;
  parameterType: WireParameterType;
  parameterValue: WireParameterValue;
}
interface WireParameterType {
  type: string;
  arrayType?: WireParameterType;
  structTypes?: { name: string; type: WireParameterType }[];
}
interface WireParameterValue {
  value?: string | null;
  arrayValues?: WireParameterValue[];
  structValues?: Record<string, WireParameterValue>;
}

/**
 * Decodes `queryParameters` into JavaScript values keyed by name (positional parameters are
 * keyed `'0'`, `'1'`, …), so handlers and tests can read `params.z` instead of wire objects.
 */
export function decodeQueryParameters(parameters: unknown): Record<string, unknown> {
  if (!Array.isArray(parameters)) return {};
  const decoded: Record<string, unknown> = {};
  parameters.forEach((parameter: WireParameter, index) => {
    decoded[parameter.name ?? String(index)] = decodeValue(parameter.parameterType, parameter.parameterValue);
  });
  return decoded;
}

function decodeValue(type: WireParameterType, value: WireParameterValue | undefined): unknown {
  if (!value) return null;
  if (type.type === 'ARRAY') {
    const itemType = type.arrayType ?? { type: 'STRING' };
    return (value.arrayValues ?? []).map((item) => decodeValue(itemType, item));
  }
  if (type.type === 'STRUCT') {
    return Object.fromEntries(
      (type.structTypes ?? []).map((field) => [
        field.name,
        decodeValue(field.type, value.structValues?.[field.name]),
      ]),
    );
  }
  const raw = value.value;
  if (raw === null || raw === undefined) return null;
  switch (type.type) {
    case 'INT64': {
      const big = BigInt(raw);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    case 'FLOAT64':
      return Number(raw);
    case 'BOOL':
      return String(raw).toLowerCase() === 'true';
    case 'BYTES':
      return Buffer.from(String(raw), 'base64');
    default:
      return raw;
  }
}
