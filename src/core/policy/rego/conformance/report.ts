import type { CaseResult } from './run-case.js';

/** Experimental OPA feature: reported on its own line and kept out of the headline numbers. */
export const EXCLUDED_CATEGORY = 'logic_operators';

export interface Summary {
  passed: number;
  failed: number;
  total: number;
  percent: number;
  excluded: { category: string; passed: number; total: number };
  categories: { category: string; passed: number; total: number; percent: number }[];
}

const pct = (p: number, t: number): number => (t === 0 ? 0 : Math.round((p / t) * 1000) / 10);

/** Aggregates results per category; the headline excludes `logic_operators`. */
export function summarize(results: readonly CaseResult[]): Summary {
  const byCat = new Map<string, { passed: number; total: number }>();
  for (const r of results) {
    const c = byCat.get(r.category) ?? { passed: 0, total: 0 };
    c.total++;
    if (r.pass) c.passed++;
    byCat.set(r.category, c);
  }
  const categories = [...byCat]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, c]) => ({ category, ...c, percent: pct(c.passed, c.total) }));
  const counted = categories.filter((c) => c.category !== EXCLUDED_CATEGORY);
  const passed = counted.reduce((n, c) => n + c.passed, 0);
  const total = counted.reduce((n, c) => n + c.total, 0);
  const ex = byCat.get(EXCLUDED_CATEGORY) ?? { passed: 0, total: 0 };
  return {
    passed,
    failed: total - passed,
    total,
    percent: pct(passed, total),
    excluded: { category: EXCLUDED_CATEGORY, ...ex },
    categories,
  };
}

/** The printed report; its last line is the plain `N passed, N failed` CI-style summary. */
export function formatReport(s: Summary): string {
  const w = Math.max(8, ...s.categories.map((c) => c.category.length));
  const lines = [`${'category'.padEnd(w)}  passed  total  percent`];
  for (const c of s.categories) {
    const mark = c.category === EXCLUDED_CATEGORY ? '  (excluded)' : '';
    lines.push(
      `${c.category.padEnd(w)}  ${String(c.passed).padStart(6)}  ${String(c.total).padStart(5)}  ${c.percent.toFixed(1).padStart(6)}%${mark}`,
    );
  }
  lines.push('');
  lines.push(`overall (excluding ${EXCLUDED_CATEGORY}): ${s.passed}/${s.total} = ${s.percent.toFixed(1)}%`);
  if (s.excluded.total > 0)
    lines.push(
      `${EXCLUDED_CATEGORY} (experimental and/or/not keywords, not counted above): ` +
        `${s.excluded.passed}/${s.excluded.total} = ${pct(s.excluded.passed, s.excluded.total).toFixed(1)}%`,
    );
  lines.push(`${s.passed} passed, ${s.failed} failed`);
  return lines.join('\n');
}
