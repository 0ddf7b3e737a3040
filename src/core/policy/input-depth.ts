/**
 * Depth bound for policy input. Converting input to Rego values (and JSON text for the wasm
 * engine) recurses per level, so hostile nesting would overflow the stack; real input documents
 * (user, request, context) are a few levels deep.
 */

/** Deepest nesting of arrays/objects a policy input may have. */
export const MAX_INPUT_DEPTH = 64;

/** Whether `x` nests arrays/objects deeper than `max` levels; iterative, so safe on any depth. */
export function nestsDeeperThan(x: unknown, max: number = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[x, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}

/** The message for input rejected by `nestsDeeperThan`. */
export const tooDeepMessage = (max: number = MAX_INPUT_DEPTH): string =>
  `input nests deeper than ${max} levels`;
