/**
 * Expression (literal) and body parsing: `some`, `every`, `not`, unification/assignment,
 * membership, and `with` modifiers.
 */
import type { Expr, ExprBody, Term, VarTerm, With } from '../ast.js';
import { type TemplateExprSrc, tokenize } from '../lexer.js';
import { TermParser } from './terms.js';

/** A logical operand as a body: `{ … }` blocks contribute their body, others themselves. */
function operandBody(e: Expr): Expr[] {
  if (e.type === 'logic' && e.op === 'and' && e.operands.length === 1 && e.with.length === 0)
    return e.operands[0]!;
  return [e];
}

/** Parses expressions and bodies (adds `some`, `every`, `not`, `with`, and/or to terms). */
export class ExprParser extends TermParser {
  /** Expressions separated by `;` or newlines, up to `end` (consumed). */
  protected parseBody(end: string): Expr[] {
    const saved = this.stopAtBar;
    this.stopAtBar = false;
    const body: Expr[] = [];
    if (this.isOp(end)) this.unexpected('expression (found empty body)');
    for (;;) {
      body.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.next();
        if (this.isOp(end)) break;
        continue;
      }
      if (this.isOp(end)) break;
      if (this.atEof()) this.unexpected(end);
      if (!this.newlineBefore()) this.unexpected(`; or newline or ${end}`);
    }
    this.next();
    this.stopAtBar = saved;
    return body;
  }

  /** Parses expressions until end of input (queries). */
  parseQueryBody(): Expr[] {
    const body: Expr[] = [];
    if (this.atEof()) this.unexpected('query');
    for (;;) {
      body.push(this.parseLiteral());
      if (this.isOp(';')) {
        this.next();
        if (this.atEof()) break;
        continue;
      }
      if (this.atEof()) break;
      if (!this.newlineBefore()) this.unexpected('; or newline');
    }
    return body;
  }

  protected atEof(): boolean {
    return this.tok.kind === 'eof';
  }

  protected newlineBefore(): boolean {
    return this.pos > 0 && this.toks[this.pos - 1]!.row < this.tok.row;
  }

  protected parseTemplateExpr(src: TemplateExprSrc): Expr {
    const toks = tokenize(src.src, this.file, src);
    const sub = new ExprParser(toks, this.file, this.keywords);
    sub.depth = this.depth;
    const expr = sub.parseLiteral();
    if (sub.tok.kind !== 'eof') sub.unexpected('} to close template expression');
    return expr;
  }

  /** One expression with its `with` modifiers. */
  parseLiteral(): Expr {
    this.enter();
    try {
      const loc = this.loc();
      const body = this.logicEnabled() ? this.parseLogicOr() : this.parseExprBody();
      const inner = 'with' in body ? (body as Expr).with : [];
      return { ...body, with: [...inner, ...this.parseWiths()], loc };
    } finally {
      this.leave();
    }
  }

  private parseWiths(): With[] {
    const withs: With[] = [];
    while (this.isKw('with')) {
      const wloc = this.loc();
      this.next();
      const target = this.parsePrimary();
      if (!this.isKw('as')) this.unexpected('as');
      this.next();
      const value = this.parseTermIn();
      withs.push({ target, value, loc: wloc });
    }
    return withs;
  }

  private logicEnabled(): boolean {
    return this.keywords.has('and') || this.keywords.has('or');
  }

  /** `a or b or …` over `and` chains (and binds tighter). */
  private parseLogicOr(): ExprBody {
    const first = this.parseLogicAnd();
    if (!this.isKw('or')) return first;
    const operands = [operandBody(first)];
    while (this.isKw('or')) {
      this.next();
      operands.push(operandBody(this.parseLogicAnd()));
    }
    return { type: 'logic', op: 'or', operands };
  }

  private parseLogicAnd(): Expr {
    const first = this.parseOperand();
    if (!this.isKw('and')) return first;
    const operands = [operandBody(first)];
    while (this.isKw('and')) {
      this.next();
      operands.push(operandBody(this.parseOperand()));
    }
    return { type: 'logic', op: 'and', operands, with: [], loc: first.loc };
  }

  /** `{ body }` or `( … )` next to and/or, else an ordinary expression. */
  private parseOperand(): Expr {
    const loc = this.loc();
    const save = this.pos;
    const afterOp = this.pos > 0 && (this.isKw('and', -1) || this.isKw('or', -1));
    if (this.isOp('{')) {
      try {
        this.next();
        const body = this.parseBody('}');
        if (afterOp || this.isKw('and') || this.isKw('or'))
          return { type: 'logic', op: 'and', operands: [body], with: [], loc };
      } catch {
        // not a body: a set or object term
      }
      this.pos = save;
    }
    if (this.isOp('(')) {
      const group = this.tryGroup();
      if (group) return group;
    }
    return { ...this.parseExprBody(), with: [], loc };
  }

  /** `( a or b [with …] )`: a parenthesised logical group; undefined if it is just a term. */
  private tryGroup(): Expr | undefined {
    const save = this.pos;
    const loc = this.loc();
    try {
      this.next();
      const inner = this.parseLogicOr();
      const withs = this.parseWiths();
      this.expectOp(')');
      if (inner.type === 'logic' || withs.length > 0) return { ...inner, with: withs, loc };
    } catch {
      // an ordinary parenthesised term
    }
    this.pos = save;
    return undefined;
  }

  private parseExprBody(): ExprBody {
    if (this.isKw('some')) return this.parseSome();
    if (this.isKw('every')) return this.parseEvery();
    if (this.isKw('not')) {
      const loc = this.loc();
      this.next();
      if (this.isOp('{') && this.keywords.has('not{}')) {
        this.next();
        return { type: 'notbody', body: this.parseBody('}') };
      }
      if (this.isOp('(') && this.logicEnabled()) {
        const group = this.tryGroup();
        if (group) return { type: 'not', expr: group };
      }
      const inner = this.parseExprBody();
      if (inner.type === 'some' || inner.type === 'somein')
        throw this.error('some declarations cannot be negated');
      return { type: 'not', expr: { ...inner, with: [], loc } };
    }
    let first = this.parseTermIn();
    if (this.isOp(',')) first = this.keyValueIn(first);
    if (this.isOp('=') || this.isOp(':=')) {
      const assign = this.next().text === ':=';
      const right = this.parseTermIn();
      return { type: 'unify', left: first, right, assign };
    }
    return { type: 'term', term: first };
  }

  private parseSome(): ExprBody {
    this.next();
    const terms: Term[] = [this.parseRelation()];
    while (this.isOp(',')) {
      this.next();
      terms.push(this.parseRelation());
    }
    if (this.isKw('in')) {
      this.next();
      if (terms.length > 2) throw this.error('some … in: at most a key and a value before in');
      const coll = this.parseRelation();
      return terms.length === 2
        ? { type: 'somein', key: terms[0]!, value: terms[1]!, coll }
        : { type: 'somein', value: terms[0]!, coll };
    }
    for (const t of terms) {
      if (t.type !== 'var') {
        throw this.error('expected var or `in` after some declaration (some x, y or some x in xs)');
      }
    }
    return { type: 'some', vars: terms as VarTerm[] };
  }

  private parseEvery(): ExprBody {
    this.next();
    const first = this.parseRelation();
    let key: Term | undefined;
    let value = first;
    if (this.isOp(',')) {
      this.next();
      key = first;
      value = this.parseRelation();
    }
    if (!this.isKw('in')) this.unexpected('in');
    this.next();
    const coll = this.parseRelation();
    this.expectOp('{', '{ to open the every body');
    const body = this.parseBody('}');
    return key ? { type: 'every', key, value, coll, body } : { type: 'every', value, coll, body };
  }
}
