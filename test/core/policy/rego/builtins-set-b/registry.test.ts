import { describe, expect, it } from 'vitest';
import { builtins } from '../../../../../src/core/policy/rego/builtins/set-b/index.js';

describe('set-B registry', () => {
  it('defines each builtin once with the arity OPA declares', () => {
    const names = builtins.map((b) => b.name);
    expect(new Set(names).size).toBe(names.length);
    const arity = Object.fromEntries(builtins.map((b) => [b.name, b.arity]));
    expect(arity).toMatchObject({
      'object.get': 3,
      'json.marshal_with_options': 2,
      'json.patch': 2,
      'time.add_date': 4,
      'time.now_ns': 0,
      'net.cidr_merge': 1,
      'crypto.hmac.equal': 2,
      'graph.reachable_paths': 2,
      'io.jwt.decode': 1,
      walk: 1,
    });
    expect(builtins.filter((b) => b.relation).map((b) => b.name)).toEqual(['walk']);
    expect(names.length).toBe(65);
  });
});
