/** Calls set-B builtins directly, the way the evaluator does (inputs in, value or undefined out). */

import { builtins } from '../../../../../src/core/policy/rego/builtins/set-b/index.js';
import { type BuiltinContext, BuiltinError } from '../../../../../src/core/policy/rego/builtins/types.js';
import type { Value } from '../../../../../src/core/policy/rego/value.js';

const byName = new Map(builtins.map((b) => [b.name, b]));

export function context(nowNs = 1_700_000_000_123_456_789n): BuiltinContext {
  return { nowNs, cache: new Map() };
}

/** Runs builtin `name` on `args`; throws if it does not exist or has another arity. */
export function call(name: string, ...args: Value[]): Value | undefined {
  return callIn(context(), name, ...args);
}

export function callIn(ctx: BuiltinContext, name: string, ...args: Value[]): Value | undefined {
  const def = byName.get(name);
  if (!def) throw new Error(`no builtin ${name}`);
  if (def.arity !== args.length) throw new Error(`${name} takes ${def.arity} operands, got ${args.length}`);
  return def.impl(args, ctx);
}

/** The BuiltinError a call raises, as `code: message`. */
export function errorOf(name: string, ...args: Value[]): string {
  try {
    call(name, ...args);
  } catch (e) {
    if (e instanceof BuiltinError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error(`${name} did not fail`);
}
