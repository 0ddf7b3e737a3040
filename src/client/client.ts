/**
 * A small typed client for the jitsudo HTTP API (what the CLI uses; the agent SDK re-exports it).
 * One method per operation, named like the core verb; errors are always `ApiError`.
 */
import { ApiError, type ServerErrorCode } from './errors.js';
import { type ClientTls, tlsFetch } from './tls-fetch.js';
import type * as T from './types.js';

export interface ClientOptions {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  server: string;
  token?: string;
  /** Defaults to the global fetch; tests pass `(url, init) => app.request(url, init)`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Per-call timeout; default 30 s. */
  timeoutMs?: number;
  /** A private CA to trust and/or a client certificate (mTLS); ignored when `fetch` is given. */
  tls?: ClientTls;
}

type Query = object;

const PREFIX = '/api/v1alpha1';
const enc = encodeURIComponent;

export function createClient(opts: ClientOptions) {
  const base = opts.server.replace(/\/+$/, '');
  const doFetch =
    opts.fetch ?? (opts.tls ? tlsFetch(opts.tls) : (url: string, init: RequestInit) => fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function send(method: string, path: string, body?: unknown, query?: Query): Promise<Response> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(query ?? {}) as [string, unknown][])
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(url.toString(), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const why = (e as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : causeOf(e);
      throw new ApiError('UNREACHABLE', `cannot reach jitsudod at ${base}: ${why}`, 0);
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  async function call<R>(method: string, path: string, body?: unknown, query?: Query): Promise<R> {
    const res = await send(method, path, body, query);
    try {
      return (await res.json()) as R;
    } catch {
      throw new ApiError('BAD_RESPONSE', `${base} answered with something that is not JSON`, res.status);
    }
  }

  return {
    server: base,
    issueDevToken: (body: { email: string; groups?: string[]; kind?: 'human' | 'agent' }) =>
      call<T.DevToken>('POST', `${PREFIX}/auth/dev-token`, body),
    whoami: () => call<T.Whoami>('GET', `${PREFIX}/auth/whoami`),

    createRequest: async (body: T.CreateRequestInput) =>
      (await call<{ request: T.ElevationRequest }>('POST', `${PREFIX}/requests`, body)).request,
    listRequests: (query: T.ListRequestsInput = {}) =>
      call<T.RequestList>('GET', `${PREFIX}/requests`, undefined, query),
    getRequest: async (id: string) =>
      (await call<{ request: T.ElevationRequest }>('GET', `${PREFIX}/requests/${enc(id)}`)).request,
    approveRequest: (id: string, body: T.ApproveInput = {}) => action(id, 'approve', body),
    denyRequest: (id: string, body: T.DenyInput) => action(id, 'deny', body),
    cancelRequest: (id: string, body: T.ReasonInput = {}) => action(id, 'cancel', body),
    revokeRequest: (id: string, body: T.ReasonInput = {}) => action(id, 'revoke', body),
    /** Asks for more time on an ACTIVE grant; returns the extension (APPLIED, PENDING, …), not the grant. */
    extendRequest: (id: string, body: T.ExtendInput) => action(id, 'extend', body),
    /** An admin's review of break-glass access (ADR 0050); `unjustified` revokes a grant still ACTIVE. */
    reviewBreakGlass: (id: string, body: { outcome: 'justified' | 'unjustified'; comment: string }) =>
      call<{ request: T.ElevationRequest; outcome: 'justified' | 'unjustified'; revoked: boolean }>(
        'POST',
        `${PREFIX}/requests/${enc(id)}/review`,
        body,
      ),
    getCredentials: async (id: string) =>
      (await call<{ grant: T.Grant }>('GET', `${PREFIX}/requests/${enc(id)}/credentials`)).grant,

    listEligibleAccess: (query: T.EligibleAccessInput = {}) =>
      call<T.EligibleAccess>('GET', `${PREFIX}/eligible-access`, undefined, query),

    createAgent: (body: T.CreateAgentInput) => call<T.CreatedAgent>('POST', `${PREFIX}/agents`, body),
    listAgents: (query: T.ListAgentsInput = {}) =>
      call<T.AgentList>('GET', `${PREFIX}/agents`, undefined, query),
    /** Revokes an agent; its PENDING requests are cancelled and its grants revoked unless `keep_grants`. */
    revokeAgent: (idOrName: string, body: T.RevokeAgentInput = {}) =>
      call<T.RevokedAgent>('POST', `${PREFIX}/agents/${enc(idOrName)}/revoke`, body),

    listPolicies: (query: T.PageInput = {}) =>
      call<T.PolicyList>('GET', `${PREFIX}/policies`, undefined, query),
    getPolicy: async (id: string) =>
      (await call<{ policy: T.Policy }>('GET', `${PREFIX}/policies/${enc(id)}`)).policy,
    applyPolicy: async (body: T.ApplyPolicyInput) =>
      (await call<{ policy: T.Policy }>('POST', `${PREFIX}/policies`, body)).policy,
    deletePolicy: (id: string) =>
      call<{ deleted: string; name: string; revision: number }>('DELETE', `${PREFIX}/policies/${enc(id)}`),
    evalPolicy: (body: T.EvalPolicyInput) => call<T.EvalResult>('POST', `${PREFIX}/policies:eval`, body),
    reloadPolicies: () => call<T.ReloadResult>('POST', `${PREFIX}/admin/reload-policies`),
    outboxStatus: () => call<T.OutboxStatus>('GET', `${PREFIX}/admin/outbox`),
    /** Puts dead deliveries back in the queue (admin): `{ sink?, event_id? }` or `{ all: true }`. */
    requeueDeadDeliveries: (body: T.RequeueInput) =>
      call<T.RequeueResult>('POST', `${PREFIX}/admin/outbox/requeue`, body),

    queryAudit: (query: T.AuditQueryInput = {}) =>
      call<T.AuditList>('GET', `${PREFIX}/audit`, undefined, query),
    /** `anchor`: the newest line of the `audit.anchor` file (detects a truncated tail). */
    verifyAudit: (body?: T.AuditVerifyInput) =>
      call<T.AuditVerifyResult>('POST', `${PREFIX}/audit:verify`, body),
    /** The chain as JSON Lines; the body is streamed, not buffered. */
    exportAudit: async (): Promise<ReadableStream<Uint8Array>> => {
      const res = await send('GET', `${PREFIX}/audit:export`);
      if (!res.body) throw new ApiError('BAD_RESPONSE', 'empty export response', res.status);
      return res.body;
    },

    listPrincipals: (query: T.ListPrincipalsInput = {}) =>
      call<T.PrincipalList>('GET', `${PREFIX}/principals`, undefined, query),
    getPrincipal: async (identity: string) =>
      (await call<{ principal: T.Principal }>('GET', `${PREFIX}/principals/${enc(identity)}`)).principal,
    setTrustTier: async (identity: string, body: T.SetTrustTierInput) =>
      (
        await call<{ principal: T.Principal }>(
          'PUT',
          `${PREFIX}/principals/${enc(identity)}/trust-tier`,
          body,
        )
      ).principal,

    healthz: () => probe('/healthz'),
    readyz: () => probe('/readyz'),
    version: () => call<T.VersionInfo>('GET', '/version'),
  };

  async function action(id: string, verb: string, body: unknown): Promise<T.ElevationRequest> {
    return (
      await call<{ request: T.ElevationRequest }>('POST', `${PREFIX}/requests/${enc(id)}/${verb}`, body)
    ).request;
  }

  /** Health probes report rather than throw on a non-2xx answer. */
  async function probe(path: string): Promise<{ ok: boolean; status: number; body: string }> {
    try {
      const res = await send('GET', path);
      return { ok: true, status: res.status, body: await res.text() };
    } catch (e) {
      if (e instanceof ApiError && e.status > 0) return { ok: false, status: e.status, body: e.message };
      throw e;
    }
  }
}

export type Client = ReturnType<typeof createClient>;

/**
 * The codes a server may send. The client loads no server code, so the list is written out here; as
 * a Record over the wire schema's codes, a code added to or dropped from the server fails to compile.
 */
const SERVER_CODES: Readonly<Record<ServerErrorCode, true>> = {
  NOT_FOUND: true,
  FORBIDDEN: true,
  UNAUTHENTICATED: true,
  VALIDATION: true,
  CONFLICT: true,
  POLICY_DENIED: true,
  PROVIDER_ERROR: true,
  RATE_LIMITED: true,
  POLICY_ERROR: true,
  UNAVAILABLE: true,
  INTERNAL: true,
};
const isServerCode = (c: string): c is ServerErrorCode => Object.hasOwn(SERVER_CODES, c);

async function toApiError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string; requestId?: string; details?: Record<string, unknown> };
    };
    const e = body.error;
    if (e?.code && isServerCode(e.code) && typeof e.message === 'string')
      return new ApiError(e.code, e.message, res.status, e.requestId, e.details);
    if (typeof (body as { status?: string }).status === 'string')
      return new ApiError(
        'INTERNAL',
        `server not ready (${(body as { error?: string }).error ?? res.status})`,
        res.status,
      );
  } catch {
    // not JSON: fall through
  }
  return new ApiError(
    res.status === 404 ? 'NOT_FOUND' : 'BAD_RESPONSE',
    `unexpected HTTP ${res.status} from server${text ? `: ${text.slice(0, 120)}` : ''}`,
    res.status,
  );
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? 'network error';
}
