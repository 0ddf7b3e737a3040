import type { ArgsDef } from 'citty';

/** Flags of `audit list`, also declared on `audit` itself so `jitsudo audit --request X` parses. */
export const auditListArgs = {
  actor: { type: 'string', description: 'only events by this identity' },
  request: { type: 'string', description: 'only events of this request id' },
  action: { type: 'string', description: 'only this action, e.g. grant.issued' },
  provider: { type: 'string', description: 'only this provider' },
  since: { type: 'string', description: 'from: 24h, 7d or an RFC 3339 time' },
  until: { type: 'string', description: 'to: RFC 3339 time (or 1h for "an hour ago")' },
  limit: { type: 'string', description: 'page size (1–1000, default 100)' },
  'page-token': { type: 'string', description: 'continue a previous listing' },
} as const satisfies ArgsDef;
