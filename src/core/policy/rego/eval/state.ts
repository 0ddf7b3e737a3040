/**
 * Evaluation state. `Ev` lives for one query evaluation (budget, builtin errors, clock); `Ctx` is
 * the scope a `with` modifier can change (input, data overrides, function mocks) and owns the
 * memo cache of rule values, so a `with` never sees values computed without it.
 */
import type { Loc } from '../ast.js';
import type { BuiltinContext } from '../builtins/types.js';
import type { FnTarget, RNode } from '../compiler/ir.js';
import { RegoError } from '../errors.js';
import type { Value } from '../value.js';

/** A frame: one slot per variable of a rule or query; `undefined` = unbound. */
export type F = (Value | undefined)[];
/** Continuation; returns true to stop the enumeration that called it (early exit). */
export type K = () => boolean;
export type KV = (v: Value) => boolean;

/** Memo marker for "evaluated, undefined". */
export const UNDEF: unique symbol = Symbol('undefined');
export type Memo = Value | typeof UNDEF;

/** Data replaced by `with data.… as …`, as a tree of path segments. */
export interface Overlay {
  /** Replacement for the document at this path. */
  value?: Value;
  readonly children: Map<string, { key: Value; node: Overlay }>;
}

export interface Mock {
  readonly fn?: FnTarget;
  readonly value?: Value;
}

export interface Ctx {
  readonly input: Value | undefined;
  readonly overlay: Overlay | undefined;
  readonly mocks: Map<string, Mock> | undefined;
  readonly cache: Map<unknown, Memo>;
}

export interface EvOptions {
  readonly root: RNode;
  readonly base: Value;
  readonly strict: boolean;
  readonly nowNs: bigint;
  readonly maxSteps: number;
  readonly timeoutMs: number;
}

/** Building this many output elements costs about one evaluation step. */
const ELEMENTS_PER_STEP = 64;

/** State of one query evaluation: budget, clock, builtin errors, base data. */
export class Ev {
  readonly root: RNode;
  readonly base: Value;
  readonly strict: boolean;
  readonly bctx: BuiltinContext;
  readonly builtinErrors: RegoError[] = [];
  private steps = 0;
  private readonly maxSteps: number;
  private readonly deadline: number;
  private readonly timeoutMs: number;

  constructor(o: EvOptions) {
    this.root = o.root;
    this.base = o.base;
    this.strict = o.strict;
    this.bctx = { nowNs: o.nowNs, cache: new Map(), charge: (n) => this.charge(n) };
    this.maxSteps = o.maxSteps;
    this.timeoutMs = o.timeoutMs;
    this.deadline = Date.now() + o.timeoutMs;
  }

  /** Counts one evaluation step; throws eval_budget_error past the step or time budget. */
  tick(): void {
    if (++this.steps > this.maxSteps) {
      throw new RegoError(
        'eval_budget_error',
        `evaluation exceeded ${this.maxSteps} steps (policy loops too long; raise maxSteps if intended)`,
      );
    }
    if ((this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new RegoError('eval_budget_error', `evaluation exceeded the time budget of ${this.timeoutMs} ms`);
    }
  }

  /**
   * Charges builtin output of `n` elements: one step per ELEMENTS_PER_STEP, and a deadline check
   * on every call, because one builtin call (numbers.range) can do millions of steps' worth of work.
   */
  charge(n: number): void {
    this.steps += Math.floor(n / ELEMENTS_PER_STEP);
    if (this.steps > this.maxSteps) {
      throw new RegoError(
        'eval_budget_error',
        `evaluation exceeded ${this.maxSteps} steps (builtins produced too much output)`,
      );
    }
    if (Date.now() > this.deadline) {
      throw new RegoError('eval_budget_error', `evaluation exceeded the time budget of ${this.timeoutMs} ms`);
    }
  }

  builtinError(code: RegoError['code'], message: string, loc: Loc): void {
    this.builtinErrors.push(new RegoError(code, message, loc));
  }
}

/** An eval_conflict_error (these always stop evaluation, strict or not). */
export function conflict(message: string, loc: Loc | undefined): RegoError {
  return new RegoError('eval_conflict_error', message, loc);
}

/** The default wall clock in nanoseconds (millisecond precision plus a sub-ms fraction). */
export function nowNanos(): bigint {
  const ms = Date.now();
  const frac = Math.floor((performance.now() % 1) * 1e6);
  return BigInt(ms) * 1_000_000n + BigInt(frac);
}
