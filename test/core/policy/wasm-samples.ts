/** The OPA-compiled samples in ../shared/opa-wasm-samples, for the wasm and cross-check tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_DIR } from '../../../src/core/policy/rego/conformance/cases.js';

export const SAMPLES_DIR = join(REPO_DIR, '..', 'shared', 'opa-wasm-samples');

export interface Sample {
  dir: string;
  entrypoint: string;
  data: Record<string, unknown> | undefined;
  cases: { input: unknown; want: { result: unknown }[] }[];
  /** The Rego source the wasm was built from (v0 syntax). */
  rego: string;
  regoFile: string;
}

export function loadSample(name: 'opa-wasm-browser' | 'opa-webassembly-ts'): Sample {
  const dir = join(SAMPLES_DIR, name);
  const spec = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
  const regoFile = name === 'opa-wasm-browser' ? 'test.rego' : 'example.rego';
  return {
    dir,
    entrypoint: spec.entrypoint,
    data: spec.data ? JSON.parse(readFileSync(join(dir, spec.data), 'utf8')) : undefined,
    cases: spec.cases,
    rego: readFileSync(join(dir, regoFile), 'utf8'),
    regoFile,
  };
}
