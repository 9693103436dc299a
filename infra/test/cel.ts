import { evaluate } from '@marcbachmann/cel-js';

/** A CEL expression evaluated on a token's claims as Google does: an error (a missing claim) gives undefined. */
export function mapped(expression: string, claims: Record<string, string>): unknown {
  try {
    return evaluate(expression, { assertion: claims });
  } catch {
    return undefined;
  }
}
