/**
 * The parsed (unresolved) Rego syntax tree. Names are still names here: the compiler resolves them
 * to local variables, `data`/`input` references, imports and builtins.
 */
import type { RegoVersion } from './api.js';
import type { RNumber } from './value.js';

export interface Loc {
  readonly file: string;
  readonly row: number;
  readonly col: number;
  readonly text?: string;
}

export type Scalar = null | boolean | RNumber | string;

export type Term =
  | { readonly type: 'scalar'; readonly value: Scalar; readonly loc: Loc }
  | { readonly type: 'var'; readonly name: string; readonly loc: Loc }
  /** `head.a[b]…`: head is a var, a call, a composite or a comprehension. */
  | { readonly type: 'ref'; readonly head: Term; readonly path: Term[]; readonly loc: Loc }
  | { readonly type: 'array'; readonly items: Term[]; readonly loc: Loc }
  | { readonly type: 'object'; readonly items: [Term, Term][]; readonly loc: Loc }
  | { readonly type: 'set'; readonly items: Term[]; readonly loc: Loc }
  /** `op(args)`; `op` is a var or ref naming the function. `infix` marks operator syntax. */
  | {
      readonly type: 'call';
      readonly op: Term;
      readonly args: Term[];
      readonly loc: Loc;
      readonly infix?: string;
    }
  | { readonly type: 'arraycomp' | 'setcomp'; readonly head: Term; readonly body: Expr[]; readonly loc: Loc }
  | {
      readonly type: 'objcomp';
      readonly key: Term;
      readonly value: Term;
      readonly body: Expr[];
      readonly loc: Loc;
    }
  /** `$"…{expr}…"`: literal chunks and interpolated expressions. */
  | { readonly type: 'template'; readonly parts: (string | Expr)[]; readonly loc: Loc };

export type VarTerm = Extract<Term, { type: 'var' }>;
export type RefTerm = Extract<Term, { type: 'ref' }>;
export type CallTerm = Extract<Term, { type: 'call' }>;

export interface With {
  readonly target: Term;
  readonly value: Term;
  readonly loc: Loc;
}

export type ExprBody =
  | { readonly type: 'term'; readonly term: Term }
  /** `a = b` (unify) or `a := b` (assign: declares the vars of `a`). */
  | { readonly type: 'unify'; readonly left: Term; readonly right: Term; readonly assign: boolean }
  | { readonly type: 'some'; readonly vars: VarTerm[] }
  | { readonly type: 'somein'; readonly key?: Term; readonly value: Term; readonly coll: Term }
  | {
      readonly type: 'every';
      readonly key?: Term;
      readonly value: Term;
      readonly coll: Term;
      readonly body: Expr[];
    }
  | { readonly type: 'not'; readonly expr: Expr }
  /** `not { … }` (with `import future.keywords.not`): negates a whole body. */
  | { readonly type: 'notbody'; readonly body: Expr[] }
  /** Experimental `a and b`, `a or b`: each operand is a body with its own scope. */
  | { readonly type: 'logic'; readonly op: 'and' | 'or'; readonly operands: Expr[][] };

export type Expr = ExprBody & { readonly with: With[]; readonly loc: Loc };

export interface Rule {
  readonly default: boolean;
  /** Head reference: first element is the rule name var, the rest are path terms. */
  readonly ref: Term[];
  /** Function arguments (undefined for non-functions). */
  readonly args?: Term[];
  /** `multi` = `contains` rules (and v0 `p[x] { … }`), `single` = everything else. */
  readonly kind: 'single' | 'multi';
  /** Element of a multi-value rule. */
  readonly key?: Term;
  /** Value of a single-value rule; undefined means `true`. */
  readonly value?: Term;
  readonly body: Expr[];
  /** Next rule of an `else` chain. */
  readonly else?: Rule;
  readonly loc: Loc;
}

export interface Import {
  readonly path: Term;
  readonly alias?: string;
  readonly loc: Loc;
}

export interface Module {
  readonly file: string;
  readonly version: RegoVersion;
  /** Package path below `data`, e.g. `['jitsudo', 'eligibility']`. */
  readonly pkg: string[];
  readonly pkgLoc: Loc;
  readonly imports: Import[];
  readonly rules: Rule[];
}
