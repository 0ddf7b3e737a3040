/**
 * Token stream, keyword handling and error reporting shared by the Rego parser layers.
 */
import type { Loc } from '../ast.js';
import { RegoError } from '../errors.js';
import type { Token } from '../lexer.js';

/** Words that are keywords in every Rego version. */
export const BASE_KEYWORDS = ['some', 'not', 'with', 'as', 'default', 'else', 'import', 'package'];
/** Keywords that Rego v0 only knows after `import future.keywords…` (always on in v1). */
export const FUTURE_KEYWORDS = ['in', 'every', 'contains', 'if'];

/** Nesting depth beyond which the parser refuses the input instead of exhausting the JS stack. */
export const MAX_DEPTH = 200;

/** Shared cursor over the token list; subclasses add terms, expressions and modules. */
export class ParserBase {
  protected pos = 0;
  protected depth = 0;
  /** While true, `|` ends a term instead of being the set-union operator (comprehension heads). */
  protected stopAtBar = false;

  constructor(
    protected readonly toks: Token[],
    protected readonly file: string,
    protected readonly keywords: Set<string>,
  ) {}

  protected get tok(): Token {
    return this.toks[this.pos]!;
  }

  protected peek(n: number): Token {
    return this.toks[Math.max(0, Math.min(this.pos + n, this.toks.length - 1))]!;
  }

  protected next(): Token {
    const t = this.tok;
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  protected loc(t: Token = this.tok): Loc {
    return { file: this.file, row: t.row, col: t.col, text: t.text };
  }

  protected isOp(text: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === text;
  }

  /** The token directly follows the previous one (no whitespace): `a.b`, `a[x]`, `f(x)`. */
  protected adjacent(t: Token = this.tok): boolean {
    return !t.ws;
  }

  /** `word` used as a keyword here: active in this module and not a ref head like `if.foo`. */
  protected isKw(word: string, n = 0): boolean {
    const t = this.peek(n);
    if (t.kind !== 'ident' || t.text !== word || !this.keywords.has(word)) return false;
    const after = this.peek(n + 1);
    return !(after.kind === 'op' && after.text === '.' && !after.ws);
  }

  /** Any active keyword (or literal word) that cannot start a name here. */
  protected isAnyKw(n = 0): boolean {
    const t = this.peek(n);
    if (t.kind !== 'ident') return false;
    const after = this.peek(n + 1);
    if (after.kind === 'op' && after.text === '.' && !after.ws) return false;
    // `contains(s, x)` is the builtin, not the keyword.
    if (t.text === 'contains' && after.kind === 'op' && after.text === '(' && !after.ws) return false;
    return this.keywords.has(t.text) || t.text === 'true' || t.text === 'false' || t.text === 'null';
  }

  protected describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'eof token';
      case 'string':
        return 'string token';
      case 'template':
        return 'template string token';
      case 'number':
        return `number token ${t.text}`;
      case 'ident':
        return this.keywords.has(t.text) ? `${t.text} keyword` : `ident token ${t.text}`;
      default:
        return `${t.text} token`;
    }
  }

  protected error(msg: string, t: Token = this.tok): RegoError {
    return new RegoError('rego_parse_error', msg, { file: this.file, row: t.row, col: t.col, text: t.text });
  }

  protected unexpected(expected?: string, t: Token = this.tok): never {
    const what = `unexpected ${this.describe(t)}`;
    throw this.error(expected ? `${what}: expected ${expected}` : what, t);
  }

  protected expectOp(text: string, what = text): Token {
    if (!this.isOp(text)) this.unexpected(what);
    return this.next();
  }

  protected enter(): void {
    if (++this.depth > MAX_DEPTH) throw this.error(`nesting too deep (more than ${MAX_DEPTH} levels)`);
  }

  protected leave(): void {
    this.depth--;
  }
}
