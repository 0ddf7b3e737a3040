/**
 * How an audit row travels to a SIEM (ADR 0049): one JSON object per row — the row as stored, so a
 * receiver can recompute its hash and check prev_hash against the row before — optionally with an
 * OCSF event beside it; over syslog, that JSON is the MSG of an RFC 5424 message whose structured
 * data repeats the chain fields, framed by octet counting (RFC 6587).
 */
import type { SiemRecord } from '../../core/audit/siem-feed.js';

export const SIEM_FORMAT = 'jitsudo.audit.siem.v1';
/** RFC 5612's documentation enterprise number: an SD-ID of our own until jitsudo has a PEN. */
export const SD_ID = 'jitsudo@32473';

const ACCOUNT_NOUNS = /^(principal|agent|identity|service_principal|user|session|token)\./;
const API_ACTIVITY = { uid: 6003, category: 6, name: 'API Activity' } as const;
const ACCOUNT_CHANGE = { uid: 3001, category: 3, name: 'Account Change' } as const;

/** The activity id of `verb` in `cls` (OCSF 1.1: both classes share 1 Create; delete is 4 / 6). */
function activity(cls: number, verb: string): number {
  if (/^revoke|deleted|removed/.test(verb)) return cls === 3001 ? 6 : 4;
  if (/created|registered|issued/.test(verb)) return 1;
  if (cls === 3001 && /disabled|suspended/.test(verb)) return 5;
  if (cls === 3001 && /enabled/.test(verb)) return 2;
  if (cls === 6003 && /retrieved|read|viewed|listed|exported/.test(verb)) return 2;
  if (
    /approved|denied|updated|extended|expir|cancelled|rotated|recorded|escalated|failed|used|detected|applied|_set|cleanup|error/.test(
      verb,
    )
  )
    return cls === 3001 ? 99 : 3;
  return 99;
}

/** An OCSF 1.1 event for the row: Account Change (3001) for identities and agents, API Activity (6003) otherwise. */
export function ocsfEvent(r: SiemRecord): Record<string, unknown> {
  const cls = ACCOUNT_NOUNS.test(r.action) ? ACCOUNT_CHANGE : API_ACTIVITY;
  const verb = r.action.split('.').slice(1).join('.');
  const activityId = activity(cls.uid, verb);
  const ok = r.outcome === 'success';
  return {
    category_uid: cls.category,
    class_uid: cls.uid,
    class_name: cls.name,
    activity_id: activityId,
    type_uid: cls.uid * 100 + activityId,
    time: Date.parse(r.ts),
    severity_id: ok ? 1 : r.outcome === 'error' ? 4 : 3,
    status_id: ok ? 1 : 2,
    status: r.outcome,
    message: r.action,
    actor: {
      user: { name: r.actor, type: r.actor_kind },
      ...(r.on_behalf_of ? { invoked_by: r.on_behalf_of } : {}),
    },
    api: { operation: r.action, service: { name: r.provider ?? 'jitsudo' } },
    ...(r.resource_scope ? { resources: [{ name: r.resource_scope, type: r.provider ?? 'scope' }] } : {}),
    ...(cls.uid === 3001 ? { user: { name: String(r.details.identity ?? r.details.name ?? r.actor) } } : {}),
    metadata: {
      version: '1.1.0',
      uid: String(r.id),
      correlation_uid: r.request_id ?? undefined,
      log_name: 'audit',
      product: { name: 'jitsudo', vendor_name: 'jitsudo' },
    },
    unmapped: { hash: r.hash, prev_hash: r.prev_hash, mac: r.mac, mac_key_id: r.mac_key_id },
  };
}

/** One JSON object (no newline): the stored row — the fields its hash covers, then hash, prev_hash, mac — and, with `ocsf`, its OCSF event. */
export function siemJson(r: SiemRecord, format: 'jitsudo' | 'ocsf'): string {
  return JSON.stringify({
    format: SIEM_FORMAT,
    id: r.id,
    ts: r.ts,
    actor: r.actor,
    actor_kind: r.actor_kind,
    on_behalf_of: r.on_behalf_of,
    action: r.action,
    request_id: r.request_id,
    provider: r.provider,
    resource_scope: r.resource_scope,
    outcome: r.outcome,
    details: r.details,
    prev_hash: r.prev_hash,
    hash: r.hash,
    mac_key_id: r.mac_key_id,
    mac: r.mac,
    ...(format === 'ocsf' ? { ocsf: ocsfEvent(r) } : {}),
  });
}

const FACILITY_LOG_AUDIT = 13;

/** SD-PARAM value escaping (RFC 5424 §6.3.3): `"`, `\` and `]`. */
const sdValue = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);
/** PRINTUSASCII only, bounded (HOSTNAME 255, APP-NAME 48, MSGID 32); `-` when empty. */
const token = (v: string, max: number) => v.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';

/** One RFC 5424 message for the row (no framing): MSG is the JSON line, UTF-8 with its BOM. */
export function syslogMessage(r: SiemRecord, format: 'jitsudo' | 'ocsf', hostname: string): string {
  const severity = r.outcome === 'success' ? 6 : r.outcome === 'error' ? 3 : 4;
  const sd = `[${SD_ID} id="${r.id}" hash="${sdValue(r.hash)}" prev_hash="${sdValue(r.prev_hash)}"${
    r.mac ? ` mac="${sdValue(r.mac)}" mac_key_id="${sdValue(r.mac_key_id ?? '')}"` : ''
  }]`;
  return `<${FACILITY_LOG_AUDIT * 8 + severity}>1 ${r.ts} ${token(hostname, 255)} jitsudod ${process.pid} ${token(
    r.action,
    32,
  )} ${sd} \uFEFF${siemJson(r, format)}`;
}

/** RFC 6587 octet-counting frame: `<byte length> <message>`. */
export function octetFrame(msg: string): string {
  return `${Buffer.byteLength(msg, 'utf8')} ${msg}`;
}
