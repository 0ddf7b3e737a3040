/**
 * Entry points of the Rego parser: modules, queries and single terms.
 */
import type { RegoVersion } from '../api.js';
import type { Expr, Module, Term } from '../ast.js';
import { tokenize } from '../lexer.js';
import { initialKeywords, ModuleParser } from './module.js';

/** Parses one module; throws RegoError (rego_parse_error) with file:row:col on bad syntax. */
export function parseModule(source: string, file: string, version: RegoVersion): Module {
  const p = new ModuleParser(tokenize(source, file), file, initialKeywords(version));
  return p.parseModule(version);
}

/** Parses a query body (`data.p = x; y := 1`) with all v1 keywords active. */
export function parseQuery(source: string, file = 'query'): Expr[] {
  const p = new ModuleParser(tokenize(source, file), file, initialKeywords('v1'));
  return p.parseQueryBody();
}

/** Parses exactly one term (e.g. a case's `input_term`). */
export function parseTermSource(source: string, file = 'term'): Term {
  const p = new ModuleParser(tokenize(source, file), file, initialKeywords('v1'));
  return p.parseSingleTerm();
}
