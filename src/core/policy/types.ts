/**
 * What the broker asks of policy, independent of the engine (our Rego interpreter or an
 * OPA-compiled wasm bundle). Inputs and outputs are plain JSON data.
 */

export type ApproverTier = 'auto' | 'ai_review' | 'human';

/** The policy input document (jitsudo's schema plus kind, agent, requester and time). */
export interface PolicyInput {
  user: {
    email: string;
    subject?: string;
    groups: string[];
    kind: 'human' | 'agent' | 'service';
    agent?: { name: string; owner: string };
  };
  request: {
    provider: string;
    role: string;
    resource_scope: string;
    duration_seconds: number;
    reason: string;
    break_glass: boolean;
    metadata: Record<string, string>;
    /** What the grant really gives, as the provider read it at the target (Provider.inspect). */
    target?: Record<string, unknown>;
    /**
     * Present when the request asks for more time on an ACTIVE grant (ADR 0045); `duration_seconds`
     * is then the time added. The timing fields are set when the extension is requested.
     */
    extension?: {
      of: string;
      granted_at?: string;
      current_expires_at?: string;
      /** From activation to the expiry the extension would give. */
      total_duration_seconds?: number;
      break_glass?: boolean;
    };
  };
  context: {
    trust_tier: number;
    /** The requester, present when the user is someone else (an approver). */
    requester?: { email: string; groups: string[]; kind: 'human' | 'agent' | 'service' };
    /** Approval only: the approvals the request has so far, oldest first (ADR 0044). */
    approvals?: PolicyApproval[];
    /** Approval only: the N of N-of-M fixed at the request's creation. */
    approvals_required?: number;
    /** RFC 3339 time of the decision, plus derived fields for time-of-day rules. */
    time: { rfc3339: string; unix_ns: string; weekday: string; hour_utc: number };
  };
}

/** One approval already given, as the approval policy sees it. */
export interface PolicyApproval {
  identity: string;
  kind: string;
  /** The approver's groups when they approved. */
  groups: string[];
  /** The owner an agent approved for. */
  on_behalf_of?: string;
  decided_at: string;
}

export interface Decision {
  allow: boolean;
  /** The policy's `reason` when it defines one; otherwise a fallback saying why. */
  reason: string;
  /** Every reason the policy gave (`reasons` set/array, `deny` messages, `reason`). */
  reasons: string[];
  /** Names of the policy modules whose rules decided (best effort, for audit and `policy eval`). */
  decidedBy: string[];
  /** Whether any rule defined the decision at all (false = fell back to default-deny). */
  defined: boolean;
  /** The policy's `max_total_duration_seconds`: no grant, extensions included, may last longer. */
  maxTotalDurationSeconds?: number;
}

export interface ApprovalDecision extends Decision {
  approverTier: ApproverTier;
  /** N of M: distinct approvers a new request needs (1 when the policy does not say; ADR 0044). */
  approvalsRequired?: number;
  /** An approver must be in one of these groups to decide a new request; empty: any group. */
  approverGroups?: string[];
  /** An approval needs an approver whose IdP sign-in is fresh (ADR 0050); false when the policy does not say. */
  stepUp?: boolean;
}

/** One policy module as stored (a row of `policies`, or a file in `policies/`). */
export interface PolicySource {
  name: string;
  rego: string;
  regoVersion?: 'v0' | 'v1';
}

export interface DecideOptions {
  /** Override the clock (`time.now_ns()`), in ns since the epoch. */
  nowNs?: bigint;
}

/** A loaded, immutable set of policies; reload = load a new one and swap the reference. */
export interface PolicySet {
  readonly engine: 'rego' | 'wasm';
  eligibility(input: PolicyInput, opts?: DecideOptions): Decision;
  approval(input: PolicyInput, opts?: DecideOptions): ApprovalDecision;
}
