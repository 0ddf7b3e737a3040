/**
 * Rego tokenizer. Whitespace and comments are not tokens; each token instead records whether
 * whitespace preceded it, because Rego is whitespace-sensitive in a few places (`a[x]` is a ref,
 * `a [x]` is two terms; `a.b` is a ref, keywords directly followed by `.` are plain names).
 */
import { RegoError } from './errors.js';

export type TokKind = 'ident' | 'number' | 'string' | 'template' | 'op' | 'eof';

/** One interpolated `{…}` section of a template string, as source text to be parsed separately. */
export interface TemplateExprSrc {
  readonly src: string;
  readonly offset: number;
  readonly row: number;
  readonly col: number;
}

export interface Token {
  readonly kind: TokKind;
  /** Raw text for idents, numbers and ops; decoded text for strings. */
  readonly text: string;
  readonly offset: number;
  readonly row: number;
  readonly col: number;
  /** Whitespace or a comment precedes this token. */
  readonly ws: boolean;
  /** Length of the raw source text of this token. */
  readonly len: number;
  /** Template strings: literal chunks and interpolated expressions, in order. */
  readonly parts?: (string | TemplateExprSrc)[];
}

const OPS2 = new Set([':=', '==', '!=', '<=', '>=']);
const OPS1 = new Set([
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  '.',
  ':',
]);

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isIdentPart = (c: number) => isIdentStart(c) || isDigit(c);

/** Tokenizes Rego source; throws a RegoError (rego_parse_error) with file:row on illegal input. */
export function tokenize(src: string, file: string, base = { offset: 0, row: 1, col: 1 }): Token[] {
  return new Lexer(src, file, base).run();
}

class Lexer {
  private i = 0;
  private row: number;
  private lineStart: number;
  private readonly out: Token[] = [];

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly base: { offset: number; row: number; col: number },
  ) {
    this.row = base.row;
    // Column of offset 0 is base.col; lineStart is chosen so that col = i - lineStart + 1.
    this.lineStart = 1 - base.col;
  }

  private fail(msg: string, at = this.i): never {
    const col = at - this.lineStart + 1;
    throw new RegoError('rego_parse_error', msg, { file: this.file, row: this.row, col });
  }

  run(): Token[] {
    const s = this.src;
    let ws = true;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 10) {
        this.i++;
        this.row++;
        this.lineStart = this.i;
        ws = true;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        this.i++;
        ws = true;
        continue;
      }
      if (c === 35) {
        while (this.i < s.length && s.charCodeAt(this.i) !== 10) this.i++;
        ws = true;
        continue;
      }
      const start = this.i;
      const row = this.row;
      const col = start - this.lineStart + 1;
      if (isIdentStart(c)) {
        while (this.i < s.length && isIdentPart(s.charCodeAt(this.i))) this.i++;
        this.push('ident', s.slice(start, this.i), start, row, col, ws);
      } else if (isDigit(c)) {
        this.push('number', this.number(), start, row, col, ws);
      } else if (c === 34) {
        this.push('string', this.quoted(false), start, row, col, ws);
      } else if (c === 96) {
        this.push('string', this.raw(), start, row, col, ws);
      } else if (c === 36 && (s.charCodeAt(this.i + 1) === 34 || s.charCodeAt(this.i + 1) === 96)) {
        this.i++;
        const parts = this.template(s.charCodeAt(this.i) === 96);
        this.push('template', s.slice(start, this.i), start, row, col, ws, parts);
      } else {
        const two = s.slice(this.i, this.i + 2);
        if (OPS2.has(two)) {
          this.i += 2;
          this.push('op', two, start, row, col, ws);
        } else if (OPS1.has(s[this.i]!)) {
          this.i++;
          this.push('op', s[start]!, start, row, col, ws);
        } else {
          this.fail(`illegal token ${JSON.stringify(s[this.i])}`);
        }
      }
      ws = false;
    }
    this.out.push({
      kind: 'eof',
      text: '',
      offset: this.base.offset + this.i,
      row: this.row,
      col: this.i - this.lineStart + 1,
      ws: true,
      len: 0,
    });
    return this.out;
  }

  private push(
    kind: TokKind,
    text: string,
    start: number,
    row: number,
    col: number,
    ws: boolean,
    parts?: Token['parts'],
  ): void {
    const tok: Token = { kind, text, offset: this.base.offset + start, row, col, ws, len: this.i - start };
    this.out.push(parts ? { ...tok, parts } : tok);
  }

  private number(): string {
    const s = this.src;
    const start = this.i;
    while (isDigit(s.charCodeAt(this.i))) this.i++;
    if (s[this.i] === '.' && isDigit(s.charCodeAt(this.i + 1))) {
      this.i++;
      while (isDigit(s.charCodeAt(this.i))) this.i++;
    }
    if (s[this.i] === 'e' || s[this.i] === 'E') {
      let j = this.i + 1;
      if (s[j] === '+' || s[j] === '-') j++;
      if (isDigit(s.charCodeAt(j))) {
        this.i = j;
        while (isDigit(s.charCodeAt(this.i))) this.i++;
      }
    }
    if (isIdentStart(s.charCodeAt(this.i))) this.fail(`illegal number format ${s.slice(start, this.i + 1)}`);
    return s.slice(start, this.i);
  }

  /** A double-quoted string with JSON escapes (plus `\{` inside templates). */
  private quoted(template: boolean): string {
    const s = this.src;
    this.i++;
    let out = '';
    let chunk = this.i;
    for (;;) {
      if (this.i >= s.length || s.charCodeAt(this.i) === 10) this.fail('non-terminated string');
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        out += s.slice(chunk, this.i);
        this.i++;
        return out;
      }
      if (c === 92) {
        out += s.slice(chunk, this.i);
        out += this.escape(template);
        chunk = this.i;
        continue;
      }
      this.i++;
    }
  }

  private escape(template: boolean): string {
    const s = this.src;
    const e = s[this.i + 1];
    this.i += 2;
    switch (e) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '{':
        if (template) return '{';
        break;
      case 'u': {
        const hex = s.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) break;
        this.i += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
    }
    return this.fail(`illegal escape sequence \\${e ?? ''}`, this.i - 2);
  }

  private raw(): string {
    const s = this.src;
    const start = ++this.i;
    while (this.i < s.length && s.charCodeAt(this.i) !== 96) this.advanceChar();
    if (this.i >= s.length) this.fail('non-terminated raw string', start - 1);
    return s.slice(start, this.i++);
  }

  private advanceChar(): void {
    if (this.src.charCodeAt(this.i) === 10) {
      this.row++;
      this.lineStart = this.i + 1;
    }
    this.i++;
  }

  /** `$"…{expr}…"` or `` $`…{expr}…` ``: literal chunks and the source of each expression. */
  private template(raw: boolean): (string | TemplateExprSrc)[] {
    const s = this.src;
    const close = raw ? 96 : 34;
    const parts: (string | TemplateExprSrc)[] = [];
    this.i++;
    let lit = '';
    for (;;) {
      if (this.i >= s.length || (!raw && s.charCodeAt(this.i) === 10))
        this.fail('non-terminated template string');
      const c = s.charCodeAt(this.i);
      if (c === close) {
        this.i++;
        if (lit !== '' || parts.length === 0) parts.push(lit);
        return parts;
      }
      if (c === 92) {
        if (raw) {
          if (s[this.i + 1] === '{') {
            lit += '{';
            this.i += 2;
          } else {
            lit += '\\';
            this.i++;
          }
        } else {
          lit += this.escape(true);
        }
        continue;
      }
      if (c === 123) {
        if (lit !== '') parts.push(lit);
        lit = '';
        parts.push(this.templateExpr());
        continue;
      }
      lit += s[this.i];
      this.advanceChar();
    }
  }

  private templateExpr(): TemplateExprSrc {
    const s = this.src;
    const start = ++this.i;
    const row = this.row;
    const col = start - this.lineStart + 1;
    let depth = 0;
    for (;;) {
      if (this.i >= s.length) this.fail('non-terminated template expression');
      const c = s.charCodeAt(this.i);
      if (c === 125 && depth === 0) break;
      if (c === 123) depth++;
      else if (c === 125) depth--;
      if (c === 34) {
        this.quoted(true);
        continue;
      }
      if (c === 96) {
        this.raw();
        continue;
      }
      if (c === 36 && (s.charCodeAt(this.i + 1) === 34 || s.charCodeAt(this.i + 1) === 96)) {
        this.i++;
        this.template(s.charCodeAt(this.i) === 96);
        continue;
      }
      this.advanceChar();
    }
    const src = s.slice(start, this.i);
    this.i++;
    return { src, offset: this.base.offset + start, row, col };
  }
}
