/**
 * The compiled form the evaluator runs: names resolved, variables turned into frame slots, bodies
 * reordered for safety, rules placed in a tree by their static data path.
 */
import type { Loc } from '../ast.js';
import type { BuiltinDef } from '../builtins/types.js';
import type { Value } from '../value.js';

export type IRTerm =
  | { readonly k: 'const'; readonly v: Value }
  | { readonly k: 'var'; readonly slot: number; readonly name: string }
  | { readonly k: 'ref'; readonly root: RefRoot; readonly path: IRTerm[]; readonly loc: Loc }
  | { readonly k: 'array'; readonly items: IRTerm[] }
  | { readonly k: 'object'; readonly keys: IRTerm[]; readonly values: IRTerm[] }
  | { readonly k: 'set'; readonly items: IRTerm[] }
  | CallIR
  | { readonly k: 'acomp' | 'scomp'; readonly head: IRTerm; readonly body: IRExpr[]; readonly free: number[] }
  | {
      readonly k: 'ocomp';
      readonly key: IRTerm;
      readonly value: IRTerm;
      readonly body: IRExpr[];
      readonly free: number[];
    }
  | { readonly k: 'template'; readonly parts: (string | TemplatePart)[] };

export type RefRoot = 'data' | 'input' | IRTerm;

/** An interpolated template expression: evaluated like `{v | v = expr}` and then formatted. */
export interface TemplatePart {
  readonly slot: number;
  readonly body: IRExpr[];
  /** Slots of the enclosing scopes the part reads (closure inputs). */
  readonly free: number[];
}

export interface CallIR {
  readonly k: 'call';
  readonly fn: FnTarget;
  readonly args: IRTerm[];
  readonly loc: Loc;
}

/** What a call invokes. `name` is the key `with` mocks use (`count`, `data.pkg.f`). */
export type FnTarget =
  | { readonly kind: 'builtin'; readonly name: string; readonly def: BuiltinDef }
  | { readonly kind: 'user'; readonly name: string; readonly node: RNode }
  | { readonly kind: 'print'; readonly name: 'print' };

export type IRWith =
  | { readonly kind: 'input'; readonly path: Value[]; readonly value: IRTerm }
  | { readonly kind: 'data'; readonly path: Value[]; readonly value: IRTerm }
  /** Replaces a function or builtin: by another function (`fn`), or by a value. */
  | { readonly kind: 'mock'; readonly name: string; readonly fn?: FnTarget; readonly value?: IRTerm };

export type IRExpr = (
  | { readonly k: 'unify'; readonly a: IRTerm; readonly b: IRTerm }
  | { readonly k: 'term'; readonly t: IRTerm }
  /** A call as a statement; with `out`, the result is unified with it instead of tested. */
  | { readonly k: 'call'; readonly call: CallIR; readonly out?: IRTerm }
  /** Negation of a body: one expression (`not e`), or a block (`not { … }`, with its free slots). */
  | { readonly k: 'not'; readonly body: IRExpr[]; readonly free?: number[] }
  | {
      readonly k: 'every';
      readonly key?: IRTerm;
      readonly value: IRTerm;
      readonly domain: IRTerm;
      readonly body: IRExpr[];
      readonly free: number[];
    }
  /** Experimental `and`/`or`: each operand is a closure body; succeeds at most once. */
  | {
      readonly k: 'logic';
      readonly op: 'and' | 'or';
      readonly operands: { readonly body: IRExpr[]; readonly free: number[] }[];
    }
  | { readonly k: 'nop' }
) & {
  readonly with?: IRWith[];
  readonly loc: Loc;
  /**
   * Set by the compiler when the expression yields at most one solution given the variables bound
   * before it (no enumeration): the evaluator then runs it inline, without a continuation.
   */
  det?: boolean;
};

export type RuleKind = 'complete' | 'multi' | 'object' | 'func';

export interface CRule {
  readonly kind: RuleKind;
  /** Dotted path for messages, e.g. `data.test.p`. */
  readonly name: string;
  /** Node the rule is stored at (the static prefix of its head ref). */
  node: RNode;
  /** The head ref is all constants (no dynamic segment below `node`). */
  readonly ground: boolean;
  /** Head ref terms below `node` (object rules and dynamic multi-value rules). */
  suffix: IRTerm[];
  /** Element of a multi-value rule. */
  key?: IRTerm;
  /** Value of a complete/object/function rule. */
  value?: IRTerm;
  /** Function argument patterns. */
  args?: IRTerm[];
  body: IRExpr[];
  nslots: number;
  readonly isDefault: boolean;
  /** Number of arguments (functions). */
  readonly arity: number;
  elseRule?: CRule;
  readonly loc: Loc;
}

/** A node of the rule tree: one segment of a `data` path. */
export interface RNode {
  readonly key: Value;
  readonly path: Value[];
  readonly children: Map<string, RNode>;
  /** Rules whose static prefix ends here, in source order (defaults excluded). */
  readonly rules: CRule[];
  defaultRule?: CRule;
  /** How the document at this node is produced, when it has rules. */
  kind?: RuleKind;
  /** `object`/`multi` nodes: every rule contributing, including those at descendant nodes. */
  allRules?: CRule[];
  /** Ground multi-value rules only: the document is a set. */
  isSet?: boolean;
  /** Children in OPA's key order (documents are built in this order). */
  sorted?: RNode[];
  /** Object nodes: for each contributing rule, the path from this node to the rule's node. */
  prefixes?: Map<CRule, Value[]>;
  /** Memo of the last evaluation context's value (evaluations are synchronous, never interleaved). */
  memoCtx?: object;
  memoVal?: Value | symbol;
}

/** A compiled query: its body and the user-visible variables it binds. */
export interface CQuery {
  readonly body: IRExpr[];
  readonly nslots: number;
  readonly vars: { readonly name: string; readonly slot: number }[];
}
