/**
 * GCP IAM: a conditional binding per request whose CEL condition (`request.time < timestamp(…)`)
 * makes IAM itself end the access at expiry, even if jitsudod is down. Read-modify-write with the
 * policy etag; a concurrent writer (409 ABORTED) means re-read and re-apply, a bounded number of times.
 */
import type { GrantRef, GrantRequest, GrantResult, Provider } from '../../core/providers/types.js';
import { ProviderError } from '../../core/providers/types.js';
import { clock, type ProviderDeps } from '../shared/deps.js';
import { retryingCall } from '../shared/retry.js';
import { cappedDuration, validateCommon } from '../shared/validate.js';
import type { createGcpClients } from './clients.js';
import type { GcpSection } from './config.js';
import { isEtagConflict, toGcpError } from './errors.js';
import { type Binding, findGrant, withExpiry, withoutExpired, withoutGrant } from './policy-edit.js';
import {
  conditionTitle,
  expiryExpression,
  expiryOf,
  type GcpTarget,
  memberFor,
  parseResource,
  parseRole,
} from './request.js';

// gax must not retry on its own: our policy is the only one.
const NO_GAX_RETRY = { maxRetries: 0 };

export function createGcpProvider(
  cfg: GcpSection,
  clientFor: ReturnType<typeof createGcpClients>,
  deps: ProviderDeps,
): Provider {
  const now = clock(deps);
  const call = retryingCall(cfg.retry, toGcpError, deps);

  function target(req: GrantRequest): GcpTarget {
    validateCommon('gcp', req);
    const { kind, resource } = parseResource(req.scope);
    return {
      kind,
      resource,
      role: parseRole(req.role),
      member: memberFor(req),
      title: conditionTitle(cfg.condition_title_prefix, req.requestId),
    };
  }

  async function read(t: GcpTarget): Promise<{ etag: unknown; bindings: Binding[] }> {
    const c = await clientFor(t.kind);
    const [p] = await call('read the IAM policy of', t.resource, () =>
      c.getIamPolicy({ resource: t.resource, options: { requestedPolicyVersion: 3 } }, NO_GAX_RETRY),
    );
    return { etag: p.etag, bindings: (p.bindings ?? []) as Binding[] };
  }

  /** Applies `change` until it sticks; `change` returns undefined when there is nothing to write. */
  async function edit(t: GcpTarget, change: (b: Binding[]) => Binding[] | undefined): Promise<void> {
    for (let round = 1; ; round++) {
      const policy = await read(t);
      const next = change(policy.bindings);
      if (!next) return;
      const c = await clientFor(t.kind);
      try {
        await call('change the IAM policy of', t.resource, () =>
          c.setIamPolicy(
            {
              resource: t.resource,
              policy: { version: 3, etag: policy.etag as Uint8Array, bindings: next as any },
              updateMask: { paths: ['bindings', 'etag'] },
            },
            NO_GAX_RETRY,
          ),
        );
        return;
      } catch (e) {
        if (!(e instanceof ProviderError && isEtagConflict(e.cause))) throw e;
        if (round >= cfg.etag_retries)
          throw new ProviderError(
            'gcp',
            `the IAM policy of ${t.resource} kept changing under jitsudod (${round} attempts); will retry`,
            true,
            { cause: e },
          );
      }
    }
  }

  return {
    name: 'gcp',
    validate(req) {
      target(req);
    },

    async grant(req): Promise<GrantResult> {
      const t = target(req);
      // Second precision, because that is what the CEL timestamp (and so IAM) enforces.
      let expiresAt = new Date(
        Math.floor(now().getTime() / 1000 + cappedDuration(req, cfg.max_duration_seconds)) * 1000,
      );
      await edit(t, (bindings) => {
        const existing = findGrant(bindings, t.role, t.title, t.member);
        if (existing) {
          // A retried grant keeps the expiry IAM already enforces.
          expiresAt = expiryOf(existing.condition?.expression) ?? expiresAt;
          return undefined;
        }
        const binding: Binding = {
          role: t.role,
          members: [t.member],
          condition: {
            title: t.title,
            description: `jitsudo grant for ${req.principal.identity}`.slice(0, 256),
            expression: expiryExpression(expiresAt),
          },
        };
        return [...withoutExpired(bindings, cfg.condition_title_prefix, now()), binding];
      });
      const credentials: Record<string, string> = { CLOUDSDK_CORE_ACCOUNT: req.principal.identity };
      if (t.kind === 'projects') {
        const project = t.resource.slice('projects/'.length);
        Object.assign(credentials, { GOOGLE_CLOUD_PROJECT: project, CLOUDSDK_CORE_PROJECT: project });
      }
      return {
        expiresAt,
        credentials,
        handle: { role: t.role, title: t.title },
        notice: `The role is bound to your own Google identity (${t.member}); use gcloud as ${req.principal.identity}. IAM stops honouring it at ${expiresAt.toISOString()} by itself.`,
      };
    },

    async revoke(ref: GrantRef) {
      const t = target(ref.request);
      await edit(t, (bindings) =>
        findGrant(bindings, t.role, t.title, t.member)
          ? withoutGrant(bindings, t.role, t.title, t.member)
          : undefined,
      );
    },

    async extend(ref: GrantRef, wanted: Date) {
      const t = target(ref.request);
      // Second precision, as at grant: the CEL timestamp is what IAM enforces.
      const expiresAt = new Date(Math.floor(wanted.getTime() / 1000) * 1000);
      await edit(t, (bindings) => {
        const b = findGrant(bindings, t.role, t.title, t.member);
        // A revoked (or never written) binding is not brought back by an extension.
        if (!b)
          throw new ProviderError(
            'gcp',
            `the IAM binding of this grant is gone from ${t.resource}; nothing to extend`,
            false,
          );
        if (expiryOf(b.condition?.expression)?.getTime() === expiresAt.getTime()) return undefined;
        return withExpiry(bindings, t.role, t.title, expiresAt);
      });
      return { expiresAt };
    },

    async isActive(ref: GrantRef) {
      const t = target(ref.request);
      const b = findGrant((await read(t)).bindings, t.role, t.title, t.member);
      const until = expiryOf(b?.condition?.expression);
      return until !== undefined && until.getTime() > now().getTime();
    },

    async cleanup(ref: GrantRef) {
      const t = target(ref.request);
      await edit(t, (bindings) => {
        const kept = withoutExpired(bindings, cfg.condition_title_prefix, now());
        return kept.length === bindings.length ? undefined : kept;
      });
    },
  };
}
