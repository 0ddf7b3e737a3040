import { type TypeName, typeName, type Value } from '../value.js';

/**
 * What a builtin may see of the evaluation it runs in. One context per query evaluation, so
 * `nowNs` is fixed for the whole evaluation (OPA's time.now_ns caching) and injectable in tests.
 */
export interface BuiltinContext {
  /** Wall clock of this evaluation, in nanoseconds since the epoch. */
  readonly nowNs: bigint;
  /** Per-evaluation cache for builtins that want one (compiled regexes, parsed globs, ...). */
  readonly cache: Map<string, unknown>;
  /**
   * Charges `n` produced elements (or characters) to the evaluation budget and checks the deadline;
   * throws eval_budget_error when over. Builtins that build large outputs call it before building.
   */
  readonly charge?: (n: number) => void;
}

/**
 * A builtin's implementation. Returns the output value, or `undefined` when the call is undefined
 * (e.g. `object.get` never is, but `json.unmarshal` of garbage raises an error instead).
 * Relations (like `walk`) set `relation: true` and return every output as an array.
 * Errors are thrown as `BuiltinError`; the evaluator adds the builtin's name and location.
 */
export type BuiltinImpl = (args: Value[], ctx: BuiltinContext) => Value | undefined;

export interface BuiltinDef {
  /** Dotted name as written in Rego: `count`, `strings.replace_n`, `io.jwt.decode`. */
  readonly name: string;
  /** Number of input operands (the output operand is not counted); -1 = variadic (print). */
  readonly arity: number;
  readonly impl: BuiltinImpl;
  /** A relation yields zero or more outputs (an array of outputs) instead of one. */
  readonly relation?: boolean;
  /** The builtin charges its output to the budget itself, before building it (not charged again). */
  readonly chargesOutput?: boolean;
  /** Infix spelling, for builtins like `plus` (`+`) or `equal` (`==`). */
  readonly infix?: string;
}

export type BuiltinErrorCode = 'eval_type_error' | 'eval_builtin_error';

/** A failure inside a builtin. `message` is the detail; OPA prints it as `<name>: <message>`. */
export class BuiltinError extends Error {
  constructor(
    readonly code: BuiltinErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BuiltinError';
  }
}

/** Raised for a bad operand type: `operand 1 must be string but got number` (OPA's wording). */
export function operandTypeError(pos: number, expected: string, got: Value): BuiltinError {
  return new BuiltinError('eval_type_error', `operand ${pos} must be ${expected} but got ${typeName(got)}`);
}

/** Throws `operandTypeError` unless `v` has one of the given types; returns `v` narrowed. */
export function expectType<T extends Value>(v: Value, pos: number, ...types: TypeName[]): T {
  if (types.includes(typeName(v))) return v as T;
  const expected = types.length === 1 ? types[0]! : `one of {${types.join(', ')}}`;
  throw operandTypeError(pos, expected, v);
}

/** Raised for any other failure (parse errors, divide by zero, bad regex, ...). */
export function builtinError(message: string): BuiltinError {
  return new BuiltinError('eval_builtin_error', message);
}
