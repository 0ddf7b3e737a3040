/** SIEM wire forms without a database: RFC 5424 fields and escaping, octet framing in bytes, OCSF classes. */
import { describe, expect, it } from 'vitest';
import { hashAuditRecord } from '../../src/core/audit/hash.js';
import type { SiemRecord } from '../../src/core/audit/siem-feed.js';
import { parseConfig } from '../../src/core/config.js';
import { ocsfEvent, octetFrame, siemJson, syslogMessage } from '../../src/notify/siem/format.js';
import { assertProductionSafe } from '../../src/server/production-mode.js';

function row(over: Partial<SiemRecord> = {}): SiemRecord {
  const base = {
    id: 42,
    ts: '2030-01-01T09:00:00.123000Z',
    actor: 'alice@example.com',
    actor_kind: 'human',
    on_behalf_of: null,
    action: 'request.created',
    request_id: 'req_01J',
    provider: 'aws',
    resource_scope: 'acct/123',
    outcome: 'success',
    details: { reason: 'INC-7 "quoted" ] é' },
    prev_hash: 'a'.repeat(64),
    ...over,
  };
  return {
    ...base,
    hash: hashAuditRecord(base),
    mac_key_id: 'k1',
    mac: 'b'.repeat(32),
    ...over,
  } as SiemRecord;
}

describe('SIEM formats', () => {
  it('a JSON line is the stored row with its chain fields; the hash recomputes from it', () => {
    const r = row();
    const j = JSON.parse(siemJson(r, 'jitsudo'));
    expect(j).toMatchObject({ id: 42, hash: r.hash, prev_hash: r.prev_hash, mac: r.mac, mac_key_id: 'k1' });
    const { hash, mac: _m, mac_key_id: _k, format: _f, ...hashed } = j;
    expect(hashAuditRecord(hashed)).toBe(hash);
    expect(j.ocsf).toBeUndefined();
  });

  it('syslog: RFC 5424 header fields, SD with the chain, BOM + JSON as MSG; the frame counts bytes', () => {
    const r = row({ outcome: 'denied', action: 'request.denied_by_policy' });
    const msg = syslogMessage(r, 'jitsudo', 'host name\u00e9');
    const m =
      /^<(\d+)>1 (\S+) (\S+) jitsudod (\d+) (\S+) \[jitsudo@32473 id="42" hash="([0-9a-f]{64})" prev_hash="a{64}" mac="b{32}" mac_key_id="k1"\] \uFEFF(\{.*\})$/s.exec(
        msg,
      );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(13 * 8 + 4); // log audit, warning for a denial
    expect(m![2]).toBe(r.ts);
    expect(m![3]).toBe('host_name_'); // printable ASCII only
    expect(m![5]).toBe('request.denied_by_policy');
    expect(JSON.parse(m![7]!).details.reason).toBe('INC-7 "quoted" ] é');
    const frame = octetFrame(msg);
    const len = Number(frame.slice(0, frame.indexOf(' ')));
    expect(len).toBe(Buffer.byteLength(msg));
    expect(len).toBeGreaterThan(msg.length); // é and the BOM take more than one byte
  });

  it('OCSF: identities and agents are Account Change, requests and grants API Activity', () => {
    expect(ocsfEvent(row())).toMatchObject({
      class_uid: 6003,
      activity_id: 1,
      type_uid: 600301,
      status_id: 1,
    });
    expect(ocsfEvent(row({ action: 'grant.revoked' }))).toMatchObject({ class_uid: 6003, activity_id: 4 });
    expect(ocsfEvent(row({ action: 'request.approved' }))).toMatchObject({ class_uid: 6003, activity_id: 3 });
    expect(ocsfEvent(row({ action: 'agent.created' }))).toMatchObject({
      class_uid: 3001,
      activity_id: 1,
      type_uid: 300101,
    });
    expect(ocsfEvent(row({ action: 'principal.disabled' }))).toMatchObject({
      class_uid: 3001,
      activity_id: 5,
    });
    const e = ocsfEvent(row({ outcome: 'failure' }));
    expect(e).toMatchObject({ status_id: 2, metadata: { uid: '42', correlation_uid: 'req_01J' } });
    expect((e.unmapped as Record<string, unknown>).prev_hash).toBe('a'.repeat(64));
  });

  it('config: production mode refuses clear text (syslog+tcp, http, SMTP without TLS) off loopback', () => {
    const prod = (notifications: unknown) =>
      parseConfig({
        home: '/tmp/jitsudo-unused',
        mode: 'production',
        http: { addr: '127.0.0.1:8080' },
        database: { url: 'postgres://db.example/jitsudo' },
        auth: { mode: 'oidc', oidc: { issuer: 'https://idp.example', audience: 'https://jitsudo.example' } },
        notifications,
      });
    const siem = (url: string) => prod({ siem: [{ name: 's', url }] });
    expect(() => assertProductionSafe(siem('syslog+tcp://logs.example.com:601'))).toThrow(
      /notifications\.siem\.0\.url: production mode requires https:\/\/ or syslog\+tls:\/\//,
    );
    expect(() => assertProductionSafe(siem('http://siem.example.com/in'))).toThrow(
      /notifications\.siem\.0\.url/,
    );
    expect(() => assertProductionSafe(siem('syslog+tcp://127.0.0.1:601'))).not.toThrow();
    expect(() => assertProductionSafe(siem('syslog+tls://logs.example.com:6514'))).not.toThrow();
    expect(() => siem('ftp://x.example/')).toThrow(/notifications\.siem\.0\.url/);
    expect(() => siem('https://user:pw@x.example/')).toThrow(/must not carry credentials/);
    const mail = (host: string) =>
      prod({
        email: {
          smtp: { host, security: 'none' },
          from: 'j@example.com',
          recipients: [{ to: ['a@example.com'] }],
        },
      });
    expect(() => assertProductionSafe(mail('smtp.example.com'))).toThrow(
      /notifications\.email\.smtp\.security/,
    );
    expect(() => assertProductionSafe(mail('127.0.0.1'))).not.toThrow();
  });
});
