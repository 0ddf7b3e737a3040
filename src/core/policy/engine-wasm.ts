/**
 * The policy engine on an OPA-compiled wasm bundle (`opa build -t wasm -e jitsudo/eligibility
 * -e jitsudo/approval`), through @open-policy-agent/opa-wasm. Same decisions as the rego engine.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { AppError } from '../errors.js';
import { fieldsOf, missingPackage, toApprovalDecision, toDecision } from './decisions.js';
import type { InspectablePolicySet, PolicyDocument } from './engine-rego.js';
import { wasmEvaluationError } from './policy-error.js';
import { PACKAGE_OF, type PolicyKind } from './policy-set.js';
import type { ApprovalDecision, DecideOptions, Decision } from './types.js';
import { readWasmBundle } from './wasm-bundle.js';

export interface WasmLoadOptions {
  /** Data documents to set (merged over the bundle's own data.json files). */
  data?: Record<string, unknown>;
  /** Name reported in `decidedBy` (defaults to the file name, or `policy.wasm`). */
  name?: string;
}

export interface WasmPolicySet extends InspectablePolicySet {
  readonly engine: 'wasm';
  /** The entrypoints the compiled policy exports (`jitsudo/eligibility`, ...). */
  readonly entrypoints: readonly string[];
  /** The wasm ABI version, e.g. `1.2`. */
  readonly abi: string;
}

const message = (e: unknown): string =>
  typeof e === 'string' ? e : ((e as { message?: string })?.message ?? 'unknown wasm error');

/** Loads a `policy.wasm` or an OPA bundle (.tar.gz), from bytes or a path; throws VALIDATION if unusable. */
export async function loadWasmPolicySet(
  bundleOrWasm: Uint8Array | string,
  opts: WasmLoadOptions = {},
): Promise<WasmPolicySet> {
  const bytes =
    typeof bundleOrWasm === 'string' ? new Uint8Array(await readFile(bundleOrWasm)) : bundleOrWasm;
  const name = opts.name ?? (typeof bundleOrWasm === 'string' ? basename(bundleOrWasm) : 'policy.wasm');
  let now: bigint | undefined;
  let policy: Awaited<ReturnType<typeof loadPolicy>>;
  let bundle: ReturnType<typeof readWasmBundle>;
  try {
    bundle = readWasmBundle(bytes);
    // The clock is injectable per decision: this host builtin reads it (used when the compiled
    // policy imports time.now_ns instead of computing it natively).
    policy = await loadPolicy(bundle.wasm, undefined, {
      'time.now_ns': () => Number(now ?? BigInt(Date.now()) * 1_000_000n),
    });
    policy.setData({ ...bundle.data, ...(opts.data ?? {}) });
  } catch (e) {
    throw new AppError('VALIDATION', `cannot load wasm policy ${name}: ${message(e)}`, { cause: e });
  }
  const entrypoints = Object.keys(policy.entrypoints ?? {});

  const evaluate = (entrypoint: string, input: unknown, o: DecideOptions | undefined): unknown => {
    now = o?.nowNs;
    try {
      const rs = policy.evaluate(input, entrypoint) as { result: unknown }[];
      return rs.length > 0 ? rs[0]!.result : undefined;
    } catch (e) {
      throw wasmEvaluationError(entrypoint, name, e);
    } finally {
      now = undefined;
    }
  };
  const entry = (kind: PolicyKind) => PACKAGE_OF[kind].join('/');
  const withName = <D extends Decision>(d: D): D => (d.defined ? { ...d, decidedBy: [name] } : d);

  return {
    engine: 'wasm',
    entrypoints,
    abi: `1.${policy.minorVersion}`,
    packages: entrypoints.map((e) => e.replaceAll('/', '.')),
    eligibility(input, o): Decision {
      if (!entrypoints.includes(entry('eligibility'))) return missingPackage('eligibility');
      return withName(toDecision('eligibility', fieldsOf(evaluate(entry('eligibility'), input, o))));
    },
    approval(input, o): ApprovalDecision {
      if (!entrypoints.includes(entry('approval'))) return missingPackage('approval');
      return withName(toApprovalDecision(fieldsOf(evaluate(entry('approval'), input, o))));
    },
    document(path, input, o): PolicyDocument | undefined {
      const ep = path.join('/');
      if (!entrypoints.includes(ep)) return undefined;
      const value = evaluate(ep, input, o);
      return value === undefined ? undefined : { value, json: JSON.stringify(value) };
    },
  };
}
