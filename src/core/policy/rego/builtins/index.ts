/**
 * The builtin registry: the language's own builtins, the two builtin sets, fallbacks, and
 * declarations of known-but-unimplemented OPA builtins (so `with` can mock them).
 */
import { coreBuiltins, fallbackBuiltins, unimplemented } from './core.js';
import { builtins as setA } from './set-a/index.js';
import { builtins as setB } from './set-b/index.js';
import type { BuiltinDef } from './types.js';

let cached: Map<string, BuiltinDef> | undefined;

/** Every builtin by name; later sets override earlier ones, core comparisons always win. */
export function allBuiltins(): Map<string, BuiltinDef> {
  if (cached) return new Map(cached);
  const m = new Map<string, BuiltinDef>();
  for (const b of fallbackBuiltins) m.set(b.name, b);
  for (const b of setA) m.set(b.name, b);
  for (const b of setB) m.set(b.name, b);
  for (const b of coreBuiltins) m.set(b.name, b);
  for (const b of unimplemented(m)) m.set(b.name, b);
  cached = m;
  return new Map(m);
}
