/**
 * Module-level parsing: `package`, `import`, and rules (v1 `if`/`contains` syntax and the v0
 * syntax of OPA's `--v0-compatible` mode).
 */
import type { RegoVersion } from '../api.js';
import type { Expr, Import, Module, Rule, Term } from '../ast.js';
import { BASE_KEYWORDS, FUTURE_KEYWORDS } from './base.js';
import { ExprParser } from './exprs.js';

/** Parses whole modules in the syntax of one Rego version. */
export class ModuleParser extends ExprParser {
  private version: RegoVersion = 'v1';

  parseModule(version: RegoVersion): Module {
    this.version = version;
    while (this.tok.kind !== 'eof' && !this.isKw('package')) this.unexpected('package');
    if (!this.isKw('package')) this.unexpected('package');
    const pkgLoc = this.loc();
    this.next();
    const pkg = this.parsePath();
    const imports: Import[] = [];
    const rules: Rule[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.isKw('import')) {
        if (rules.length > 0) throw this.error('imports must appear before rules');
        imports.push(this.parseImport());
      } else if (this.isKw('package')) {
        throw this.error('unexpected package keyword: a module has exactly one package');
      } else {
        rules.push(...this.parseRule());
      }
    }
    return { file: this.file, version, pkg, pkgLoc, imports, rules };
  }

  /** A whole input that must be exactly one term. */
  parseSingleTerm(): Term {
    const t = this.parseTermIn();
    if (this.tok.kind !== 'eof') this.unexpected('end of term');
    return t;
  }

  /** `a.b["c"]` as plain string segments (package paths). */
  private parsePath(): string[] {
    const first = this.tok;
    if (first.kind !== 'ident') this.unexpected('package name');
    this.next();
    const path = [first.text];
    for (;;) {
      if (this.isOp('.') && this.adjacent()) {
        this.next();
        if (this.tok.kind !== 'ident') this.unexpected('ident after .');
        path.push(this.next().text);
      } else if (this.isOp('[') && this.adjacent()) {
        this.next();
        if (this.tok.kind !== 'string') this.unexpected('string in package path');
        path.push(this.next().text);
        this.expectOp(']');
      } else {
        return path;
      }
    }
  }

  private parseImport(): Import {
    const loc = this.loc();
    this.next();
    const path = this.parsePrimary();
    const head = path.type === 'ref' ? path.head : path;
    if (head.type !== 'var' || !['data', 'input', 'future', 'rego'].includes(head.name)) {
      throw this.error('invalid import: path must begin with input, data, future or rego');
    }
    const segs = path.type === 'ref' ? path.path : [];
    const text = [head.name, ...segs.map((s) => (s.type === 'scalar' ? String(s.value) : '?'))].join('.');
    if (head.name === 'future') {
      if (!/^future\.keywords(\.(in|every|contains|if|and|or|not))?$/.test(text)) {
        throw this.error(`invalid import ${text}: unknown future keyword`);
      }
      const kw = segs[1];
      for (const k of kw ? [String((kw as { value: unknown }).value)] : FUTURE_KEYWORDS) {
        this.keywords.add(k === 'not' ? 'not{}' : k);
      }
    } else if (head.name === 'rego') {
      if (text !== 'rego.v1') throw this.error(`invalid import ${text}: only rego.v1 exists`);
      for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
    }
    let alias: string | undefined;
    if (this.isKw('as')) {
      this.next();
      if (this.tok.kind !== 'ident') this.unexpected('alias name after as');
      alias = this.next().text;
    }
    return alias === undefined ? { path, loc } : { path, alias, loc };
  }

  /** One rule (or several: a v0 rule may carry more than one body). */
  private parseRule(): Rule[] {
    const loc = this.loc();
    const isDefault = this.isKw('default');
    if (isDefault) this.next();
    if (this.isAnyKw()) this.unexpected('rule name');
    const { ref, args } = this.parseHeadRef();
    if (isDefault) {
      if (!this.isOp(':=') && !this.isOp('=')) this.unexpected('= or := after default rule name');
      this.next();
      const value = this.parseTermIn();
      return [{ default: true, ref, ...(args ? { args } : {}), kind: 'single', value, body: [], loc }];
    }
    let kind: Rule['kind'] = 'single';
    let key: Term | undefined;
    let value: Term | undefined;
    if (this.isKw('contains')) {
      this.next();
      kind = 'multi';
      key = this.parseTermIn();
    } else if (this.isOp(':=') || this.isOp('=')) {
      this.next();
      value = this.parseTermIn();
    } else if (this.version === 'v0' && !args && ref.length > 1 && this.isV0PartialSet(ref)) {
      kind = 'multi';
      key = ref.pop();
    }
    const body = this.parseRuleBody(value !== undefined || key !== undefined || args !== undefined);
    const rule: Rule = {
      default: false,
      ref,
      ...(args ? { args } : {}),
      kind,
      ...(key ? { key } : {}),
      ...(value ? { value } : {}),
      body: body ?? [],
      ...(this.isKw('else') ? { else: this.parseElse(ref, args) } : {}),
      loc,
    };
    const rules = [rule];
    // v0: `p { a } { b }` defines p twice.
    while (this.version === 'v0' && this.isOp('{') && !this.newlineBefore()) {
      this.next();
      rules.push({ ...rule, body: this.parseBody('}'), loc: this.loc() });
    }
    return rules;
  }

  /** v0 `p[x] { … }`: the last segment is a bracketed term (not `.name`). */
  private isV0PartialSet(ref: Term[]): boolean {
    const prev = this.toks[this.pos - 1]!;
    return prev.kind === 'op' && prev.text === ']' && ref.length >= 2;
  }

  private parseHeadRef(): { ref: Term[]; args?: Term[] } {
    const t = this.tok;
    if (t.kind !== 'ident') this.unexpected('rule name');
    this.next();
    const ref: Term[] = [{ type: 'var', name: t.text, loc: this.loc(t) }];
    for (;;) {
      if (this.isOp('.') && this.adjacent()) {
        this.next();
        const s = this.tok;
        if (s.kind !== 'ident') this.unexpected('ident after .');
        this.next();
        ref.push({ type: 'scalar', value: s.text, loc: this.loc(s) });
      } else if (this.isOp('[') && this.adjacent()) {
        this.next();
        ref.push(this.parseTermIn());
        this.expectOp(']');
      } else if (this.isOp('(') && this.adjacent()) {
        this.next();
        const args = this.parseList(')');
        return { ref, args };
      } else {
        return { ref };
      }
    }
  }

  /** `if { … }`, `if expr`, v0 `{ … }`, or nothing (returns undefined). */
  private parseRuleBody(hasValue: boolean): Expr[] | undefined {
    if (this.isKw('if')) {
      this.next();
      if (this.isOp('{')) {
        const start = this.pos;
        try {
          this.next();
          return this.parseBody('}');
        } catch (e) {
          // `if {x: 1 | …}` is a single expression starting with a brace term.
          this.pos = start;
          try {
            return [this.parseLiteral()];
          } catch {
            throw e;
          }
        }
      }
      return [this.parseLiteral()];
    }
    if (this.isOp('{')) {
      if (this.version === 'v1') {
        throw this.error('`if` keyword is required before rule body');
      }
      this.next();
      return this.parseBody('}');
    }
    if (!hasValue && this.version === 'v1') {
      throw this.error('rule must have a value (:= or contains) or a body (if …)');
    }
    return undefined;
  }

  private parseElse(ref: Term[], args: Term[] | undefined): Rule {
    const loc = this.loc();
    this.next();
    let value: Term | undefined;
    if (this.isOp(':=') || this.isOp('=')) {
      this.next();
      value = this.parseTermIn();
    }
    const body = this.parseRuleBody(true);
    if (!body && !value)
      throw this.error('else must be followed by a value (else := …) or a body (else if …)');
    const next = this.isKw('else') ? this.parseElse(ref, args) : undefined;
    return {
      default: false,
      ref,
      ...(args ? { args } : {}),
      kind: 'single',
      ...(value ? { value } : {}),
      body: body ?? [],
      ...(next ? { else: next } : {}),
      loc,
    };
  }
}

/** The keyword set a module or query starts with. */
export function initialKeywords(version: RegoVersion): Set<string> {
  const kws = new Set(BASE_KEYWORDS);
  if (version === 'v1') for (const k of FUTURE_KEYWORDS) kws.add(k);
  return kws;
}
