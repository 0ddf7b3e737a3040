/** Calls set A builtins by name, the way the evaluator does, for the unit tests. */
import { expect } from 'vitest';
import { builtins } from '../../../../../src/core/policy/rego/builtins/set-a/index.js';
import { BuiltinError, type BuiltinErrorCode } from '../../../../../src/core/policy/rego/builtins/types.js';
import { RObject, RSet, type Value } from '../../../../../src/core/policy/rego/value.js';

const byName = new Map(builtins.map((b) => [b.name, b]));

/** Invokes a builtin; undefined means the call is undefined. */
export function call(name: string, ...args: Value[]): Value | undefined {
  const def = byName.get(name);
  if (!def) throw new Error(`no builtin ${name}`);
  if (def.arity !== args.length) throw new Error(`${name} takes ${def.arity} operands, got ${args.length}`);
  return def.impl(args, { nowNs: 0n, cache: new Map() });
}

/** Asserts the call fails with the code and a message containing `text`. */
export function expectError(code: BuiltinErrorCode, text: string, name: string, ...args: Value[]): void {
  let caught: unknown;
  try {
    call(name, ...args);
  } catch (e) {
    caught = e;
  }
  expect(caught, `${name} should fail`).toBeInstanceOf(BuiltinError);
  expect((caught as BuiltinError).code).toBe(code);
  expect((caught as BuiltinError).message).toContain(text);
}

export const set = (...xs: Value[]): RSet => RSet.from(xs);
export const obj = (...kv: [Value, Value][]): RObject => RObject.from(kv);

/** A set result's members in OPA's order, for comparing sets regardless of insertion order. */
export function members(v: Value | undefined): Value[] {
  if (!(v instanceof RSet)) throw new Error(`not a set: ${String(v)}`);
  return v.sorted();
}
