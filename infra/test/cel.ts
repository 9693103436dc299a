import { evaluate } from '@marcbachmann/cel-js';

/**
 * Whether Google would admit a token with these claims: the provider's attribute condition, evaluated by
 * a CEL implementation, must be `true`; an error (a missing claim) rejects the token, as Google does.
 */
export const admitsWith =
  (condition: string) =>
  (claims: Record<string, string>): boolean => {
    try {
      return evaluate(condition, { assertion: claims }) === true;
    } catch {
      return false;
    }
  };

/** An attribute mapping evaluated on a token, or undefined when it cannot be. */
export function mapped(expression: string, claims: Record<string, string>): unknown {
  try {
    return evaluate(expression, { assertion: claims });
  } catch {
    return undefined;
  }
}
