import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.js';
import { builtinProviderFactories, createProvider, createProviders } from '../../src/providers/index.js';

const sections: Record<string, Record<string, unknown>> = {
  mock: {},
  aws: { region: 'eu-west-1' },
  azure: {
    tenant_id: 'contoso.onmicrosoft.com',
    client_id: '11111111-2222-3333-4444-555555555555',
    client_secret: 's',
  },
  gcp: { access_token: 't' },
  kubernetes: { clusters: { prod: { server: 'https://k8s.example.com', token: 't' } } },
  postgres: { url: 'postgres://jitsudod@db.example.com:5432/postgres' },
};

describe('provider factories', () => {
  it('build every built-in provider from its config section, named as configured', async () => {
    expect(Object.keys(builtinProviderFactories).sort()).toEqual(Object.keys(sections).sort());
    const providers = createProviders(sections);
    expect(providers.map((p) => p.name)).toEqual(Object.keys(sections));
    for (const p of providers) if ('close' in p) await (p as { close(): Promise<void> }).close();
  });

  it('reject an unknown provider and a bad key, naming it', () => {
    expect(() => createProvider('oracle', {})).toThrow(/providers\.oracle: unknown provider/);
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ['aws', { region: 'mars' }, /providers\.aws\.region/],
      ['aws', { mode: 'identity_center' }, /providers\.aws\.identity_center/],
      ['aws', { surprise: 1 }, /providers\.aws/],
      [
        'azure',
        { tenant_id: 't', client_id: 'not-a-guid', client_secret: 's' },
        /providers\.azure\.client_id/,
      ],
      [
        'azure',
        { tenant_id: 't', client_id: '11111111-2222-3333-4444-555555555555' },
        /providers\.azure\.client_secret: set exactly one/,
      ],
      ['kubernetes', { clusters: {} }, /providers\.kubernetes\.clusters/],
      [
        'kubernetes',
        { clusters: { prod: { server: 'https://x', token: 't' } }, default_cluster: 'dev' },
        /default_cluster/,
      ],
      ['postgres', { url: 'mysql://x' }, /providers\.postgres\.url/],
    ];
    for (const [name, section, message] of bad) {
      let err: unknown;
      try {
        createProvider(name, section);
      } catch (e) {
        err = e;
      }
      expect(err, `${name} ${JSON.stringify(section)}`).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('VALIDATION');
      expect((err as AppError).message).toMatch(message);
    }
  });

  it('never echo a secret from a rejected section', () => {
    expect(() => createProvider('postgres', { url: 'postgres://u:hunter2@db/x', pool_size: 999 })).toThrow(
      AppError,
    );
    try {
      createProvider('postgres', { url: 'postgres://u:hunter2@db/x', pool_size: 999 });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
  });
});
