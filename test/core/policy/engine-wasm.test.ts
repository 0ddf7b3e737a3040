import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWasmPolicySet } from '../../../src/core/policy/engine-wasm.js';
import { readTar } from '../../../src/core/policy/wasm-bundle.js';
import { loadSample } from './wasm-samples.js';

const tmp = mkdtempSync(join(tmpdir(), 'jitsudo-wasm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An OPA-style bundle made with the system tar, optionally with OPA's leading-slash names. */
function bundle(files: Record<string, string>, leadingSlash: boolean): string {
  const dir = mkdtempSync(join(tmp, 'b-'));
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, name));
  const out = join(dir, 'bundle.tar.gz');
  const args = [
    '-czf',
    out,
    '-C',
    dir,
    ...(leadingSlash ? ['-P', '--transform', 's,^,/,'] : []),
    ...Object.keys(files),
  ];
  execFileSync('tar', args);
  return out;
}

for (const name of ['opa-wasm-browser', 'opa-webassembly-ts'] as const) {
  const sample = loadSample(name);
  const path = sample.entrypoint.split('/');
  const asEvaluate = (doc: { value: unknown } | undefined) =>
    doc === undefined ? [] : [{ result: doc.value }];

  describe(`wasm engine on ${name}`, () => {
    it('matches every case in cases.json (policy.wasm + data)', async () => {
      const set = await loadWasmPolicySet(join(sample.dir, 'policy.wasm'), { data: sample.data });
      expect(set.entrypoints).toEqual([sample.entrypoint]);
      for (const c of sample.cases)
        expect(asEvaluate(set.document(path, c.input)), JSON.stringify(c.input)).toEqual(c.want);
    });

    for (const leadingSlash of [false, true]) {
      it(`reads an OPA bundle .tar.gz with its data.json (leading slash: ${leadingSlash})`, async () => {
        const files: Record<string, string> = { 'policy.wasm': join(sample.dir, 'policy.wasm') };
        if (sample.data) {
          writeFileSync(join(tmp, `${name}-data.json`), JSON.stringify(sample.data));
          files['data.json'] = join(tmp, `${name}-data.json`);
        }
        const file = bundle(files, leadingSlash);
        expect([...readTar(execFileSync('gzip', ['-dc', file]))].map(([n]) => n).sort()).toEqual(
          Object.keys(files)
            .map((n) => `/${n}`)
            .sort(),
        );
        const set = await loadWasmPolicySet(new Uint8Array(readFileSync(file)));
        for (const c of sample.cases) expect(asEvaluate(set.document(path, c.input))).toEqual(c.want);
      });
    }

    it('has no jitsudo entrypoints, so both decisions default-deny', async () => {
      const set = await loadWasmPolicySet(join(sample.dir, 'policy.wasm'), { data: sample.data });
      const input = sample.cases[0]!.input as never;
      expect(set.eligibility(input)).toMatchObject({ allow: false, defined: false });
      expect(set.approval(input)).toMatchObject({ allow: false, approverTier: 'human', defined: false });
    });
  });
}

describe('wasm engine: bad inputs', () => {
  it('rejects bytes that are neither wasm nor a bundle', async () => {
    await expect(loadWasmPolicySet(new TextEncoder().encode('not a policy'))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
  it('rejects a bundle without /policy.wasm', async () => {
    writeFileSync(join(tmp, 'only-data.json'), '{}');
    const file = bundle({ 'data.json': join(tmp, 'only-data.json') }, true);
    await expect(loadWasmPolicySet(file)).rejects.toThrow(/no \/policy.wasm/);
  });
});
