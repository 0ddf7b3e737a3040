/**
 * Term parsing: literals, refs, calls, comprehensions, template strings and infix operators, with
 * OPA's precedence (lowest first): `in`, relations, `|`, `&`, `+ -`, `* / %`.
 */
import type { Expr, Loc, Term } from '../ast.js';
import { MAX_DECIMAL_EXP } from '../decimal.js';
import type { TemplateExprSrc, Token } from '../lexer.js';
import { normNumber, RDecimal, type RNumber } from '../value.js';
import { ParserBase } from './base.js';

const RELATIONS: Record<string, string> = {
  '==': 'equal',
  '!=': 'neq',
  '<': 'lt',
  '<=': 'lte',
  '>': 'gt',
  '>=': 'gte',
};
const ARITH: Record<string, string> = { '+': 'plus', '-': 'minus' };
const FACTOR: Record<string, string> = { '*': 'mul', '/': 'div', '%': 'rem' };

/**
 * Parses the text of a number literal the way OPA stores it: exact integers, floats otherwise, and
 * an RDecimal keeping the text where a double cannot hold the value (`2e308`, `1e-400`). Undefined
 * past OPA's bound on literals, which its parser rejects as "number too big".
 */
export function parseNumber(text: string): RNumber | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
    return text.length > MAX_DECIMAL_EXP ? undefined : normNumber(BigInt(text));
  }
  const x = Number(text);
  if (x !== 0 && Number.isFinite(x)) return x;
  const big = RDecimal.fromText(text);
  if (big === undefined) return x;
  return big.inBounds ? big : undefined;
}

export abstract class TermParser extends ParserBase {
  /** Parses a body until the closing token (`}` or `]`). */
  protected abstract parseBody(end: string): Expr[];
  /** Parses one interpolated template expression from its own source text. */
  protected abstract parseTemplateExpr(src: TemplateExprSrc): Expr;

  private number(t: Token): RNumber {
    const n = parseNumber(t.text);
    if (n === undefined) throw this.error('number too big', t);
    return n;
  }

  protected infix(name: string, op: string, args: Term[], loc: Loc): Term {
    return { type: 'call', op: { type: 'var', name, loc }, args, loc, infix: op };
  }

  /** Full term including the `in` operator: `x in xs`. */
  parseTermIn(): Term {
    return this.continueIn(this.parseRelation());
  }

  /** `lhs in xs in ys …` (left-associative). */
  protected continueIn(lhs: Term): Term {
    while (this.isKw('in')) {
      const loc = this.loc();
      this.next();
      const rhs = this.parseRelation();
      lhs = this.infix('internal.member_2', 'in', [lhs, rhs], loc);
    }
    return lhs;
  }

  protected parseRelation(): Term {
    let lhs = this.parseOr();
    while (this.tok.kind === 'op' && RELATIONS[this.tok.text]) {
      const t = this.next();
      lhs = this.infix(RELATIONS[t.text]!, t.text, [lhs, this.parseOr()], this.loc(t));
    }
    return lhs;
  }

  private parseOr(): Term {
    let lhs = this.parseAnd();
    while (this.isOp('|') && !this.stopAtBar) {
      const t = this.next();
      lhs = this.infix('or', '|', [lhs, this.parseAnd()], this.loc(t));
    }
    return lhs;
  }

  private parseAnd(): Term {
    let lhs = this.parseArith();
    while (this.isOp('&')) {
      const t = this.next();
      lhs = this.infix('and', '&', [lhs, this.parseArith()], this.loc(t));
    }
    return lhs;
  }

  private parseArith(): Term {
    let lhs = this.parseFactor();
    while (this.tok.kind === 'op' && ARITH[this.tok.text]) {
      const t = this.next();
      lhs = this.infix(ARITH[t.text]!, t.text, [lhs, this.parseFactor()], this.loc(t));
    }
    return lhs;
  }

  private parseFactor(): Term {
    let lhs = this.parseUnary();
    while (this.tok.kind === 'op' && FACTOR[this.tok.text]) {
      const t = this.next();
      lhs = this.infix(FACTOR[t.text]!, t.text, [lhs, this.parseUnary()], this.loc(t));
    }
    return lhs;
  }

  private parseUnary(): Term {
    if (this.isOp('-')) {
      const t = this.next();
      const loc = this.loc(t);
      if (this.tok.kind === 'number' && this.adjacent()) {
        const n = this.number(this.next());
        return this.postfix({ type: 'scalar', value: typeof n === 'object' ? n.negate() : -n, loc });
      }
      this.enter();
      try {
        const operand = this.parseUnary();
        return this.infix('minus', '-', [{ type: 'scalar', value: 0, loc }, operand], loc);
      } finally {
        this.leave();
      }
    }
    return this.parsePrimary();
  }

  /** A primary term with its ref/call suffixes. */
  /** After `key` and a comma: `key, value in coll [in …]`. */
  protected keyValueIn(key: Term): Term {
    const loc = this.loc();
    this.next();
    const value = this.parseRelation();
    if (!this.isKw('in')) this.unexpected('in');
    this.next();
    const coll = this.parseRelation();
    return this.continueIn(this.infix('internal.member_3', 'in', [key, value, coll], loc));
  }

  parsePrimary(): Term {
    this.enter();
    try {
      return this.postfix(this.parseAtom());
    } finally {
      this.leave();
    }
  }

  private parseAtom(): Term {
    const t = this.tok;
    const loc = this.loc(t);
    switch (t.kind) {
      case 'number':
        this.next();
        return { type: 'scalar', value: this.number(t), loc };
      case 'string':
        this.next();
        return { type: 'scalar', value: t.text, loc };
      case 'template':
        this.next();
        return {
          type: 'template',
          parts: t.parts!.map((p) => (typeof p === 'string' ? p : this.parseTemplateExpr(p))),
          loc,
        };
      case 'ident':
        return this.parseName();
      case 'op':
        if (t.text === '[') return this.parseArray();
        if (t.text === '{') return this.parseBrace();
        if (t.text === '(') {
          this.next();
          const saved = this.stopAtBar;
          this.stopAtBar = false;
          let inner = this.parseTermIn();
          if (this.isOp(',')) inner = this.keyValueIn(inner);
          this.stopAtBar = saved;
          this.expectOp(')');
          return inner;
        }
        break;
    }
    return this.unexpected('term');
  }

  private parseName(): Term {
    const t = this.tok;
    const loc = this.loc(t);
    if (this.isAnyKw()) {
      if (t.text === 'true' || t.text === 'false') {
        this.next();
        return { type: 'scalar', value: t.text === 'true', loc };
      }
      if (t.text === 'null') {
        this.next();
        return { type: 'scalar', value: null, loc };
      }
      this.unexpected('term');
    }
    this.next();
    if (t.text === 'set' && this.isOp('(') && this.adjacent() && this.isOp(')', this.peek(1))) {
      this.next();
      this.next();
      return { type: 'set', items: [], loc };
    }
    return { type: 'var', name: t.text, loc };
  }

  /** Ref segments (`.x`, `[t]`) and call arguments that directly follow a term. */
  protected postfix(term: Term): Term {
    for (;;) {
      if (!this.adjacent()) return term;
      if (this.isOp('.')) {
        this.next();
        const t = this.tok;
        if (t.kind !== 'ident' || t.ws) this.unexpected('ident after .');
        this.next();
        term = this.extend(term, { type: 'scalar', value: t.text, loc: this.loc(t) });
      } else if (this.isOp('[')) {
        this.next();
        const saved = this.stopAtBar;
        this.stopAtBar = false;
        const key = this.parseTermIn();
        this.stopAtBar = saved;
        this.expectOp(']');
        term = this.extend(term, key);
      } else if (this.isOp('(') && this.callable(term)) {
        const loc = term.loc;
        this.next();
        term = { type: 'call', op: term, args: this.parseList(')'), loc };
      } else {
        return term;
      }
    }
  }

  private callable(term: Term): boolean {
    if (term.type === 'var') return true;
    return (
      term.type === 'ref' &&
      term.head.type === 'var' &&
      term.path.every((p) => p.type === 'scalar' && typeof p.value === 'string')
    );
  }

  private extend(term: Term, seg: Term): Term {
    if (term.type === 'ref')
      return { type: 'ref', head: term.head, path: [...term.path, seg], loc: term.loc };
    return { type: 'ref', head: term, path: [seg], loc: term.loc };
  }

  /** Comma-separated terms up to `end` (which is consumed); trailing comma allowed. */
  protected parseList(end: string): Term[] {
    const saved = this.stopAtBar;
    this.stopAtBar = false;
    const items: Term[] = [];
    while (!this.isOp(end)) {
      items.push(this.parseTermIn());
      if (this.isOp(',')) this.next();
      else if (!this.isOp(end)) this.unexpected(`, or ${end}`);
    }
    this.next();
    this.stopAtBar = saved;
    return items;
  }

  private parseArray(): Term {
    const loc = this.loc();
    this.next();
    if (this.isOp(']')) {
      this.next();
      return { type: 'array', items: [], loc };
    }
    const first = this.headTerm();
    if (this.isOp('|')) {
      this.next();
      return { type: 'arraycomp', head: first, body: this.parseBody(']'), loc };
    }
    return { type: 'array', items: this.continueList(first, ']'), loc };
  }

  private parseBrace(): Term {
    const loc = this.loc();
    this.next();
    if (this.isOp('}')) {
      this.next();
      return { type: 'object', items: [], loc };
    }
    const first = this.headTerm();
    if (this.isOp('|')) {
      this.next();
      return { type: 'setcomp', head: first, body: this.parseBody('}'), loc };
    }
    if (this.isOp(':')) {
      this.next();
      const value = this.headTerm();
      if (this.isOp('|')) {
        this.next();
        return { type: 'objcomp', key: first, value, body: this.parseBody('}'), loc };
      }
      const items: [Term, Term][] = [[first, value]];
      const saved = this.stopAtBar;
      this.stopAtBar = false;
      while (this.isOp(',')) {
        this.next();
        if (this.isOp('}')) break;
        const k = this.parseTermIn();
        this.expectOp(':');
        items.push([k, this.parseTermIn()]);
      }
      this.stopAtBar = saved;
      this.expectOp('}', ', or }');
      return { type: 'object', items, loc };
    }
    return { type: 'set', items: this.continueList(first, '}'), loc };
  }

  /** First element of `[`/`{`: a `|` right after it means comprehension, so don't eat it. */
  private headTerm(): Term {
    const saved = this.stopAtBar;
    this.stopAtBar = true;
    const t = this.parseTermIn();
    this.stopAtBar = saved;
    return t;
  }

  private continueList(first: Term, end: string): Term[] {
    if (this.isOp(end)) {
      this.next();
      return [first];
    }
    if (!this.isOp(',')) this.unexpected(`, or ${end}`);
    this.next();
    return [first, ...this.parseList(end)];
  }
}
