import { evaluate } from '@marcbachmann/cel-js';

/**
 * A CEL expression (a provider's attribute condition or mapping) evaluated on a token's claims, as Google
 * does; an error (a missing claim) gives undefined, and a condition that is not `true` rejects the token.
 */
export function mapped(expression: string, claims: Record<string, string>): unknown {
  try {
    return evaluate(expression, { assertion: claims });
  } catch {
    return undefined;
  }
}
export const admitsWith = (condition: string) => (claims: Record<string, string>) =>
  mapped(condition, claims) === true;
