/**
 * Drift reconciliation with a real provider (kubernetes) against the Kubernetes API fake: the
 * sweeper asks the target through provider.isActive. (a) A binding deleted out of band while the
 * grant is ACTIVE is recorded: REVOKED with end_reason "drift" and an alerting grant.drift_detected.
 * (b) A binding present again after the grant EXPIRED is removed at the target and alerted.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config.js';
import { type Core, createCore } from '../../src/core/create-core.js';
import { deriveServerKeys } from '../../src/core/crypto/secrets.js';
import { Sweeper } from '../../src/sweeper/index.js';
import { auditRows, Clock, human, testPolicies, uniq } from '../core/requests/fixtures.js';
import { K8sFake } from '../fakes/k8s-fake.js';
import { brokenAuditRow } from '../helpers/audit-chain.js';
import { createTestDb, type TestDb, testDatabases } from '../helpers/db.js';
import { setTier } from '../helpers/principals.js';
import { k8sProvider } from '../providers/support/kubernetes.js';

const MIN = 60_000;
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

let fake: K8sFake;
beforeAll(async () => {
  fake = await new K8sFake().start();
  fake.addClusterRole('view');
});
afterAll(() => fake.stop());

/** The RoleBinding the provider made for a request, as stored by the fake apiserver. */
function bindingOf(requestId: string): { key: string; obj: Record<string, any> } | undefined {
  for (const [key, obj] of fake.objects)
    if (key.startsWith('rolebindings/') && obj.metadata?.labels?.['jitsudo.dev/request-id'] === requestId)
      return { key, obj };
  return undefined;
}

/** Someone with cluster-admin acting outside jitsudo, over the real API. */
async function outOfBand(method: 'DELETE' | 'POST', ns: string, obj: Record<string, any>): Promise<void> {
  const path = `${RBAC}/namespaces/${ns}/rolebindings${method === 'DELETE' ? `/${obj.metadata.name}` : ''}`;
  const res = await fetch(`${fake.http.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${fake.adminToken}`, 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(obj) : undefined,
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

describe.each(testDatabases())('sweeper drift reconciliation with kubernetes on %s', (driver) => {
  let core: Core;
  let testDb: TestDb;
  let clock: Clock;
  afterEach(async () => {
    await core?.close();
    await testDb?.close();
  });

  async function setup() {
    testDb = await createTestDb(driver);
    clock = new Clock(Date.now()); // the fake's clock is real time; ours starts there and moves on
    const config = parseConfig({
      home: mkdtempSync(join(tmpdir(), 'jitsudo-drift-')),
      log: { level: 'silent' },
      sweeper: { max_attempts: 3, reconcile_interval_seconds: 60 },
    });
    core = await createCore({
      config,
      db: testDb,
      providers: [k8sProvider(fake)],
      policies: testPolicies(),
      keys: deriveServerKeys(createHash('sha256').update('test-master-key').digest()),
      now: clock.now,
      log: pino({ level: 'silent' }),
    });
    const who = human(uniq('dana'), ['sre']);
    await setTier(testDb.db, who.identity, 3);
    const r = await core.createRequest(who, {
      provider: 'kubernetes',
      role: 'view',
      resource_scope: 'prod/default',
      duration: '30m',
      reason: 'drift test',
    });
    expect(r.state).toBe('ACTIVE');
    expect(bindingOf(r.id)).toBeDefined();
    return { who, r, sweeper: new Sweeper(core.deps) };
  }

  it('(a) a binding removed out of band while ACTIVE is recorded: REVOKED (drift) and alerted', async () => {
    const { who, r, sweeper } = await setup();
    // Nothing has drifted yet: the check runs and finds the binding.
    clock.advance(MIN + 1);
    expect((await sweeper.tick()).reconcile).toBe(1);
    expect((await core.getRequest(who, { id: r.id })).state).toBe('ACTIVE');

    await outOfBand('DELETE', 'default', bindingOf(r.id)!.obj);
    expect(bindingOf(r.id)).toBeUndefined();
    clock.advance(MIN + 1);
    expect((await sweeper.tick()).reconcile).toBe(1);
    expect(await core.getRequest(who, { id: r.id })).toMatchObject({ state: 'REVOKED', end_reason: 'drift' });
    const drift = (await auditRows(testDb.db, r.id)).filter((a) => a.action === 'grant.drift_detected');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({
      actor: 'system',
      outcome: 'failure',
      details: { alert: true, observed: 'grant missing at provider', recorded_state: 'REVOKED' },
    });
    expect(await brokenAuditRow(testDb.db)).toBeNull();
  });

  it('(b) an expired grant whose binding is present again is removed at the target and alerted', async () => {
    const { who, r, sweeper } = await setup();
    const original = structuredClone(bindingOf(r.id)!.obj);
    clock.advance(30 * MIN + 1);
    expect((await sweeper.tick()).expire).toBe(1);
    expect((await core.getRequest(who, { id: r.id })).state).toBe('EXPIRED');
    expect(bindingOf(r.id)).toBeUndefined();

    // Re-applied out of band (a restore, a GitOps sync of a stale manifest): access is back.
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...meta } = original.metadata;
    await outOfBand('POST', 'default', { ...original, metadata: meta });
    expect(bindingOf(r.id)).toBeDefined();

    clock.advance(MIN);
    expect((await sweeper.tick()).after_end).toBe(1);
    expect(bindingOf(r.id)).toBeUndefined();
    expect((await core.getRequest(who, { id: r.id })).state).toBe('EXPIRED');
    const drift = (await auditRows(testDb.db, r.id)).filter((a) => a.action === 'grant.drift_detected');
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatchObject({
      actor: 'system',
      outcome: 'failure',
      details: { alert: true, observed: 'grant still active after EXPIRED', action_taken: 'revoke' },
    });
    // Checked once: a later tick does not look again.
    clock.advance(10 * MIN);
    expect((await sweeper.tick()).after_end).toBe(0);
    expect(await brokenAuditRow(testDb.db)).toBeNull();
  });
});
