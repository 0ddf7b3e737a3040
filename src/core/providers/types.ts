/**
 * The contract every provider (mock, aws, azure, gcp, kubernetes, postgres) implements. Core drives
 * providers only through this interface and only outside database transactions: record the intent,
 * call the provider, record the outcome.
 */

/** Who the access is for. `identity` is the principal's stable id (an email for humans). */
export interface GrantPrincipal {
  identity: string;
  kind: 'human' | 'agent';
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

export interface GrantRef {
  request: GrantRequest;
  handle: Record<string, unknown>;
  expiresAt: Date;
}

export interface Provider {
  readonly name: string;
  /** Rejects what the target would reject, before anything is called. Throws AppError VALIDATION. */
  validate(req: GrantRequest): void;
  /** Issues the grant. Idempotent for the same request id. Throws ProviderError. */
  grant(req: GrantRequest): Promise<GrantResult>;
  /** Takes the grant back. Idempotent: revoking what is already gone succeeds. Throws ProviderError. */
  revoke(ref: GrantRef): Promise<void>;
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
