import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** One case object exactly as the YAML holds it (numbers as bigint for integers). */
export interface ConformanceCase {
  note?: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Record<string, unknown>[];
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
  ignore_generated_vars?: boolean;
  experimental_keywords?: boolean;
}

/** A case with its stable identity: `<path relative to the cases dir>#<index in the file>`. */
export interface CaseEntry {
  id: string;
  category: string;
  /** Whether the case was present in its file at all (`input` key may hold `null`). */
  hasInput: boolean;
  case: ConformanceCase;
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');

/** The shared case set beside the repository (`<repo>/../shared/opa-conformance/cases`). */
export const DEFAULT_CASES_DIR = join(REPO_ROOT, '..', 'shared', 'opa-conformance', 'cases');

/** The repository root, for paths such as the committed list of passing cases. */
export const REPO_DIR = REPO_ROOT;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return name.endsWith('.yaml') || name.endsWith('.yml') ? [p] : [];
    });
}

/** Parses one case file; integers stay exact (bigint), as OPA's json.Number decoding keeps them. */
export function parseCaseFile(text: string): ConformanceCase[] {
  const doc = parse(text, { intAsBigInt: true }) as { cases?: ConformanceCase[] } | null;
  return doc?.cases ?? [];
}

/**
 * Loads every case under `dir` in a stable order. `files` restricts loading to the given relative
 * paths (the regression gate reads only the files its ids name).
 */
export function loadCases(dir: string, files?: ReadonlySet<string>): CaseEntry[] {
  const out: CaseEntry[] = [];
  for (const file of yamlFiles(dir)) {
    const rel = relative(dir, file).split(sep).join('/');
    if (files && !files.has(rel)) continue;
    const category = basename(dirname(file));
    parseCaseFile(readFileSync(file, 'utf8')).forEach((c, i) => {
      out.push({ id: `${rel}#${i}`, category, hasInput: Object.hasOwn(c, 'input'), case: c });
    });
  }
  return out;
}

/** The file part of a case id (`v1/sets/test-x.yaml#2` → `v1/sets/test-x.yaml`). */
export const fileOfId = (id: string): string => id.slice(0, id.lastIndexOf('#'));
