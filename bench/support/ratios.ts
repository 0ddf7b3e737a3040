/** Reading a benchmark's printed ratios to its floor, for bench/report.ts. */

/** A line's label: the words before "ratio" when short, else its first words (with a C= level). */
function labelOf(line: string): string {
  const t = line.trim();
  const before = t.slice(0, t.search(/ratio/i)).trim();
  if (/^ratio/i.test(t)) return /^ratio\s+([^:;(]+)/i.exec(t)?.[1]?.trim() ?? 'ratio';
  if (before && before.length <= 24) return before.replace(/[:;,]$/, '');
  const words = t.split(/\s+/);
  return words
    .slice(0, /^C=/.test(words[2] ?? '') ? 3 : 2)
    .join(' ')
    .replace(/[:;,]$/, '');
}

/**
 * Every ratio a script printed against its floor, labelled: on a line that says "ratio", each
 * number written N× or Nx (with its p50/p99 label), else the number right after "ratio"; on any
 * other line, numbers written ×N (bench/startup.ts's rows). `own` picks lines a script words its
 * own way (bench/cli-startup.ts's verdict), shown as they are.
 */
export function ratios(output: string, own?: RegExp): string[] {
  const found: string[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (own?.test(line)) {
      found.push(line.replace(/\s+/g, ' ').slice(0, 100));
      continue;
    }
    let got: string[] = [];
    if (/ratio/i.test(line)) {
      got = [...line.matchAll(/(?:\b(p\d\d|throughput)\s+)?(\d+(?:\.\d+)?)\s?[×x](?![\w])/g)].map(
        (m) => `${m[1] ? `${m[1]} ` : ''}${m[2]}×`,
      );
      if (!got.length) got = [...line.matchAll(/ratio\s+(\d+(?:\.\d+)?)/gi)].map((m) => `${m[1]}×`);
    } else
      got = [...line.matchAll(/\b(wall|cpu)\s+[\d.]+\s*(?:ms)?\s+×(\d+(?:\.\d+)?)/g)].map(
        (m) => `${m[1]} ${m[2]}×`,
      );
    if (got.length) found.push(`${labelOf(line)}: ${got.join(' ')}`);
  }
  return found;
}
