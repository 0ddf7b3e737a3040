/**
 * The contract every provider (mock, aws, azure, gcp, kubernetes, postgres) implements. Core drives
 * providers only through this interface and only outside database transactions: record the intent,
 * call the provider, record the outcome.
 */

/** Who the access is for. `identity` is the principal's stable id (an email for humans). */
export interface GrantPrincipal {
  identity: string;
  kind: 'human' | 'agent' | 'service';
  groups: string[];
  /** For an agent: its name and the human who owns it (AWS session tags, audit). */
  agent?: { name: string; owner: string };
}

export interface GrantRequest {
  /** `req_<ULID>`; providers derive deterministic names from it (idempotent retries). */
  requestId: string;
  principal: GrantPrincipal;
  role: string;
  /** Provider-specific scope: AWS account id, ARM scope, GCP project/folder/org, `cluster/namespace`. */
  scope: string;
  durationSeconds: number;
  reason: string;
  metadata: Record<string, string>;
  /**
   * What `inspect` reported at creation, i.e. what the approver saw (absent for providers without
   * `inspect` and for requests made before it existed). A provider may refuse a grant whose target
   * has changed since, so nobody receives more than was approved.
   */
  target?: Record<string, unknown>;
}

export interface GrantResult {
  /** When the target itself stops honouring the grant (may be earlier than requested when clamped). */
  expiresAt: Date;
  /** Env vars `jitsudo exec` injects (AWS_ACCESS_KEY_ID, KUBECONFIG contents, PGPASSWORD, ...). Secret. */
  credentials: Record<string, string>;
  /**
   * Non-secret state the provider needs later to check or revoke exactly this grant
   * (session name, assignment id, binding condition title, ...). Stored in plaintext; never secrets.
   */
  handle: Record<string, unknown>;
  /** Something the user should know (e.g. "credentials are your own SSO session"). */
  notice?: string;
}

/** What `extend` did: the new expiry, and fresh credentials when the old ones cannot last that long. */
export interface ExtendResult {
  /** When the target now stops honouring the grant (may be earlier than asked when clamped). */
  expiresAt: Date;
  /** Replacement credentials (AWS STS re-issue); absent when the stored ones keep working. Secret. */
  credentials?: Record<string, string>;
  /** Replacement handle, when the re-issued grant is revoked differently. Never secret. */
  handle?: Record<string, unknown>;
  notice?: string;
}

export interface GrantRef {
  request: GrantRequest;
  handle: Record<string, unknown>;
  expiresAt: Date;
}

/**
 * What `revoke` may report besides success. Access is cut either way; `cleanupPending` says what is
 * left at the target (an object, a role) in a sentence safe to store and show. Core records it as
 * the request's pending cleanup and retries `revoke` until it reports nothing left.
 */
export interface RevokeOutcome {
  cleanupPending?: string;
}

export interface Provider {
  readonly name: string;
  /** Rejects what the target would reject, before anything is called. Throws AppError VALIDATION. */
  validate(req: GrantRequest): void;
  /**
   * Optional: reads at the target what the grant would really give, before the request is recorded.
   * Throws AppError VALIDATION for what must never be granted, ProviderError when the target cannot
   * be read. Returns non-secret facts (e.g. every role a database role reaches) that are stored on
   * the request, shown to approvers, given to policy as `request.target`, and passed back to
   * `grant` as `GrantRequest.target`.
   */
  inspect?(req: GrantRequest): Promise<Record<string, unknown>>;
  /** Issues the grant. Idempotent for the same request id. Throws ProviderError. */
  grant(req: GrantRequest): Promise<GrantResult>;
  /**
   * Takes the grant back. Idempotent: revoking what is already gone succeeds. Throws ProviderError
   * while access may remain; once access is cut it resolves, with `cleanupPending` when something
   * harmless is left that a later call should remove (docs/adr/0033-access-cut-and-cleanup.md).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: providers with nothing to report keep `Promise<void>`.
  revoke(ref: GrantRef): Promise<void | RevokeOutcome>;
  /**
   * Optional: moves the grant's end at the target to `expiresAt` (IAM condition, VALID UNTIL, a
   * re-issued credential); idempotent. A provider whose grants have no expiry of their own returns
   * `{ expiresAt }` without a call: the sweeper's deadline is all there is to move. Without this
   * method a grant cannot be extended (docs/adr/0045-request-extension.md). Throws ProviderError.
   */
  extend?(ref: GrantRef, expiresAt: Date): Promise<ExtendResult>;
  /** Asks the target whether the grant is still in force (drift reconciliation). */
  isActive(ref: GrantRef): Promise<boolean>;
  /**
   * Optional cleanup after the credential's own expiry has passed (e.g. removing AWS revocation
   * deny statements that are no longer needed). Called by the sweeper; idempotent.
   */
  cleanup?(ref: GrantRef): Promise<void>;
  /**
   * Optional: releases what the provider holds open (connection pools). Called once at shutdown by
   * whoever built the provider (jitsudod, createJitsudo from config), after the sweeper stopped.
   */
  close?(): Promise<void>;
}

/** A provider call failed. `retryable` says whether trying again may help (throttling, 5xx, timeouts). */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
