/**
 * Our interpreter against OPA's own compiler: the samples' Rego source, evaluated by us, must give
 * exactly what the policy.wasm OPA built from that source gives, on the recorded inputs and on
 * generated ones.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegoPolicySet } from '../../../src/core/policy/engine-rego.js';
import { loadWasmPolicySet } from '../../../src/core/policy/engine-wasm.js';
import { loadSample } from './wasm-samples.js';

/** Every combination of the given field values (a field set to `undefined` is left out). */
function combos(fields: Record<string, unknown[]>): Record<string, unknown>[] {
  return Object.entries(fields).reduce<Record<string, unknown>[]>(
    (acc, [k, values]) =>
      acc.flatMap((base) => values.map((v) => (v === undefined ? { ...base } : { ...base, [k]: v }))),
    [{}],
  );
}

// Top-level inputs must be truthy: the SDK's ABI 1.2 path treats 0, '' and false as "no input".
const ODD_INPUTS: unknown[] = ['moo', ['moo'], 42, true, { fragment: { fragment: 'moo' } }];

describe('cross-check: interpreter vs OPA-compiled wasm', () => {
  it('opa-wasm-browser (test/p): recorded and generated inputs agree', async () => {
    const sample = loadSample('opa-wasm-browser');
    const wasm = await loadWasmPolicySet(join(sample.dir, 'policy.wasm'));
    const ours = loadRegoPolicySet([{ name: sample.regoFile, rego: sample.rego, regoVersion: 'v0' }]);
    const inputs = [
      ...sample.cases.map((c) => c.input),
      ...combos({ fragment: [undefined, 'moo', 'MOO', 'moo ', '', null, 1, true, ['moo'], { a: 'moo' }] }),
      ...ODD_INPUTS,
    ];
    for (const input of inputs) {
      const want = wasm.document(['test', 'p'], input);
      expect(ours.document(['test', 'p'], input), JSON.stringify(input)).toEqual(want);
    }
    expect(inputs.length).toBeGreaterThan(15);
  });

  it('opa-webassembly-ts (example/allow): recorded and generated inputs, several data sets, agree', async () => {
    const sample = loadSample('opa-webassembly-ts');
    const dataSets: Record<string, unknown>[] = [
      sample.data!,
      {
        user_roles: { userA: ['editor'], userB: ['viewer', 'editor'], userC: [] },
        role_permissions: {
          editor: [{ action: 'edit', object: 'article' }],
          viewer: [
            { action: 'read', object: 'article' },
            { action: 'read', object: 'management' },
          ],
        },
      },
      {},
      {
        user_roles: { userA: 'editor' },
        role_permissions: { editor: { action: 'edit', object: 'article' } },
      },
    ];
    const inputs = [
      ...sample.cases.map((c) => c.input),
      ...combos({
        user: [undefined, 'userA', 'userB', 'userC', 'not exists', 1, null],
        action: [undefined, 'edit', 'create', 'read', 'delete', 'EDIT'],
        object: [undefined, 'article', 'management', ['article']],
      }),
      ...ODD_INPUTS,
    ];
    let compared = 0;
    let allowed = 0;
    for (const data of dataSets) {
      const wasm = await loadWasmPolicySet(join(sample.dir, 'policy.wasm'), { data });
      const ours = loadRegoPolicySet([{ name: sample.regoFile, rego: sample.rego, regoVersion: 'v0' }], {
        data,
      });
      for (const input of inputs) {
        const want = wasm.document(['example', 'allow'], input);
        expect(
          ours.document(['example', 'allow'], input),
          `${JSON.stringify(data)} ${JSON.stringify(input)}`,
        ).toEqual(want);
        compared++;
        if (want?.value === true) allowed++;
      }
    }
    // The generated space must exercise both outcomes, or agreement proves little.
    expect(compared).toBeGreaterThan(500);
    expect(allowed).toBeGreaterThan(5);
  });
});
