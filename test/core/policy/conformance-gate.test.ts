import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CASES_DIR,
  fileOfId,
  loadCases,
  REPO_DIR,
} from '../../../src/core/policy/rego/conformance/cases.js';
import { runPool } from '../../../src/core/policy/rego/conformance/pool.js';

const LIST = join(REPO_DIR, 'test', 'core', 'policy', 'conformance-passing.txt');

const passingIds = (): string[] =>
  readFileSync(LIST, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

describe('conformance regression gate', () => {
  it('finds the shared OPA case set beside the repository', () => {
    expect(existsSync(DEFAULT_CASES_DIR), `${DEFAULT_CASES_DIR} is missing`).toBe(true);
  });

  it('every case listed in conformance-passing.txt still passes', { timeout: 120_000 }, async () => {
    const ids = passingIds();
    const entries = loadCases(DEFAULT_CASES_DIR, new Set(ids.map(fileOfId)));
    const known = new Set(entries.map((e) => e.id));
    expect(
      ids.filter((id) => !known.has(id)),
      'ids in the list that no case has',
    ).toEqual([]);
    const wanted = new Set(ids);
    const results = await runPool(
      entries.filter((e) => wanted.has(e.id)),
      { jobs: 2, timeoutMs: 5_000 },
    );
    const regressions = results.filter((r) => !r.pass).map((r) => `${r.id}: ${r.error}`);
    expect(regressions).toEqual([]);
  });
});
