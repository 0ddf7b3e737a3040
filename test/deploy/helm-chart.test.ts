/**
 * The Helm chart in deploy/helm/jitsudo, rendered without helm (ADR 0054): with its defaults (plus
 * the Secrets it requires) and with ci/all-values.yaml enabling everything. Every object is checked
 * against @kubernetes/client-node 1.4.0's models (unknown fields, types, required fields); the
 * ServiceMonitor, a CRD the client does not model, structurally. The config file it renders is
 * loaded by jitsudod's own loader in production mode, and every file it names must be mounted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AwsSection } from '../../src/providers/aws/config.js';
import { AzureSection } from '../../src/providers/azure/config.js';
import { GcpSection } from '../../src/providers/gcp/config.js';
import { KubernetesSection } from '../../src/providers/kubernetes/config.js';
import { PostgresSection } from '../../src/providers/postgres/config.js';
import { loadChart, type RenderedObject } from '../helpers/helm-chart.js';
import { modelFor, validateObject } from '../helpers/k8s-schema.js';
import {
  byKind,
  containerEnv,
  filePaths,
  isMounted,
  loadRenderedConfig,
  mountedFiles,
  one,
  SECRET_ENV,
  secretKeys,
  selects,
} from './chart-checks.js';

const CHART = join(import.meta.dirname, '..', '..', 'deploy', 'helm', 'jitsudo');
const chart = loadChart(CHART);
/** The least an install must say: the Secrets the chart reads and the IdP. */
const REQUIRED = {
  database: { existingSecret: 'jitsudo-db' },
  encryption: { existingSecret: 'jitsudo-master-key' },
  tls: { existingSecret: 'jitsudo-tls' },
  auth: { oidc: { issuer: 'https://idp.example.com', audience: 'https://jitsudo.example.com' } },
};
const ALL = parse(readFileSync(join(CHART, 'ci', 'all-values.yaml'), 'utf8'), { version: '1.1' });

const renders: [string, RenderedObject[]][] = [
  ['defaults', chart.render(REQUIRED)],
  ['all-values.yaml', chart.render(ALL)],
  [
    'behind a TLS proxy, config from a Secret',
    chart.render({
      database: REQUIRED.database,
      encryption: REQUIRED.encryption,
      tls: { enabled: false },
      server: {
        port: 8080,
        behindTlsProxy: { enabled: true, trustedProxies: ['127.0.0.1'] },
        extraContainers: [
          { name: 'tls-proxy', image: 'envoyproxy/envoy:v1.31.0', ports: [{ containerPort: 8443 }] },
        ],
      },
      config: { existingSecret: 'jitsudo-config' },
    }),
  ],
];

describe.each(renders)('chart rendered with %s', (_name, objs) => {
  it('every object is a kind the client models and valid against its model (or the ServiceMonitor)', () => {
    expect(objs.length).toBeGreaterThan(4);
    for (const { file, obj } of objs) {
      if (obj.kind === 'ServiceMonitor') continue;
      expect(modelFor(obj), `${file}: ${obj.apiVersion} ${obj.kind}`).toBeDefined();
      expect(validateObject(obj), file).toEqual([]);
      expect(obj.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');
    }
  });

  it('the pod runs non-root on a read-only root, with probes on /healthz and /readyz and resources', () => {
    const d = one(objs, 'Deployment');
    const hpa = byKind(objs, 'HorizontalPodAutoscaler')[0];
    expect(hpa ? hpa.spec.minReplicas : d.spec.replicas).toBeGreaterThanOrEqual(2);
    if (hpa) expect(d.spec.replicas).toBeUndefined();
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    const target = (p: any) => p.httpGet?.path ?? p.exec.command.at(-1);
    expect(target(c.livenessProbe)).toBe('/healthz');
    expect(target(c.readinessProbe)).toBe('/readyz');
    expect(target(c.startupProbe)).toBe('/healthz');
    expect(c.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(c.resources.limits.memory).toEqual(expect.any(String));
    expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('secrets reach the pod only by secretKeyRef or Secret volumes, never as a literal', () => {
    const c = one(objs, 'Deployment').spec.template.spec.containers[0];
    for (const e of c.env) {
      if (SECRET_ENV.has(e.name)) expect(e.valueFrom?.secretKeyRef?.name, e.name).toEqual(expect.any(String));
      if (e.value !== undefined)
        expect(e.value, e.name).not.toMatch(/:\/\/[^/@]*:[^/@]*@|xox[bp]-|^[0-9a-f]{64}$/);
    }
    const cm = byKind(objs, 'ConfigMap')[0];
    if (cm) {
      const inline = secretKeys(parse(cm.data['jitsudo.yaml']));
      expect(inline, 'secret-bearing keys written inline in the ConfigMap').toEqual([]);
    }
    expect(byKind(objs, 'Secret')).toEqual([]);
  });

  it('selectors and ports refer to each other', () => {
    const d = one(objs, 'Deployment');
    const podLabels = d.spec.template.metadata.labels;
    const ports = new Set(d.spec.template.spec.containers[0].ports.map((p: any) => p.name));
    const svc = one(objs, 'Service');
    expect(selects(svc.spec.selector, podLabels)).toBe(true);
    for (const p of svc.spec.ports) expect(ports).toContain(p.targetPort);
    for (const pdb of byKind(objs, 'PodDisruptionBudget'))
      expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    for (const np of byKind(objs, 'NetworkPolicy')) {
      expect(selects(np.spec.podSelector.matchLabels, podLabels)).toBe(true);
      for (const rule of np.spec.ingress) for (const p of rule.ports) expect(ports).toContain(p.port);
    }
    for (const hpa of byKind(objs, 'HorizontalPodAutoscaler'))
      expect(hpa.spec.scaleTargetRef).toEqual({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: d.metadata.name,
      });
  });

  it('the config file loads in production mode and every file it names is mounted', () => {
    const d = one(objs, 'Deployment');
    const pod = d.spec.template.spec;
    const env = containerEnv(pod.containers[0]);
    const mounts = mountedFiles(pod);
    // AKS's workload-identity webhook projects this token into pods labelled for it.
    if (d.spec.template.metadata.labels['azure.workload.identity/use'] === 'true')
      mounts.set('/var/run/secrets/azure/tokens', new Set(['azure-identity-token']));
    expect(isMounted(mounts, env.JITSUDOD_CONFIG!)).toBe(true);
    for (const k of ['GOOGLE_APPLICATION_CREDENTIALS', 'JITSUDO_CLIENT_CERT_FILE', 'JITSUDO_CLIENT_KEY_FILE'])
      if (env[k]) expect(isMounted(mounts, env[k]), k).toBe(true);
    const cm = byKind(objs, 'ConfigMap')[0];
    if (!cm) {
      expect(pod.volumes.find((v: any) => v.name === 'config').secret.secretName).toBe('jitsudo-config');
      return;
    }
    const config = loadRenderedConfig(cm.data['jitsudo.yaml'], env);
    expect(config).toMatchObject({ mode: 'production', auth: { mode: 'oidc' } });
    expect(config.database.url).toBe(env.JITSUDOD_DATABASE_URL);
    expect(config.http.addr).toBe(`0.0.0.0:${pod.containers[0].ports[0].containerPort}`);
    for (const f of filePaths(config))
      expect(isMounted(mounts, f.path, f.dir), `${f.key}: ${f.path}`).toBe(true);
    const sections = {
      aws: AwsSection,
      azure: AzureSection,
      gcp: GcpSection,
      kubernetes: KubernetesSection,
      postgres: PostgresSection,
    };
    for (const [name, section] of Object.entries(config.providers)) {
      const schema = sections[name as keyof typeof sections];
      expect(schema, `provider ${name}`).toBeDefined();
      expect(schema.safeParse(section).error?.issues, `providers.${name}`).toBeUndefined();
    }
  });
});

describe('chart with everything enabled (all-values.yaml)', () => {
  const objs = renders[1]![1];

  it('renders each feature: HPA, ServiceMonitor, RBAC for the in-cluster kubernetes provider', () => {
    expect(objs.map((o) => o.obj.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
      'ServiceMonitor',
    ]);
  });

  it('the ServiceMonitor (a CRD the client does not model) scrapes the Service metrics port with the token Secret', () => {
    const sm = one(objs, 'ServiceMonitor');
    const svc = one(objs, 'Service');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(Object.keys(sm.spec).sort()).toEqual(['endpoints', 'namespaceSelector', 'selector']);
    expect(selects(sm.spec.selector.matchLabels, svc.metadata.labels)).toBe(true);
    expect(sm.spec.namespaceSelector.matchNames).toEqual([svc.metadata.namespace]);
    expect(svc.spec.ports.map((p: any) => p.name)).toContain(sm.spec.endpoints[0].port);
    expect(sm.spec.endpoints[0].authorization).toEqual({
      type: 'Bearer',
      credentials: { name: 'jitsudo-metrics', key: 'token' },
    });
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  it('the kubernetes provider may bind only the listed roles, and issue tokens only in token mode', () => {
    const role = one(objs, 'ClusterRole');
    const bind = role.rules.filter((r: any) => r.verbs.includes('bind'));
    expect(bind.map((r: any) => [r.resources, r.resourceNames])).toEqual([
      [['clusterroles'], ['view', 'edit']],
      [['roles'], ['deployer']],
    ]);
    expect(role.rules.flatMap((r: any) => r.verbs)).not.toContain('*');
    expect(role.rules.some((r: any) => r.resources.includes('serviceaccounts/token'))).toBe(true);
    const binding = one(objs, 'ClusterRoleBinding');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'jitsudo', namespace: 'jitsudo' }]);
  });

  it('mTLS require uses exec probes that present the probe certificate (behind a proxy: exec probes over http)', () => {
    const proxied = one(renders[2]![1], 'Deployment').spec.template.spec.containers;
    expect(proxied.map((c: any) => c.name)).toEqual(['jitsudod', 'tls-proxy']);
    expect(proxied[0].readinessProbe.exec.command).toEqual(['node', '/app/healthcheck.mjs', '/readyz']);
    expect(containerEnv(proxied[0]).JITSUDO_HEALTHCHECK_URL).toBe('http://127.0.0.1:8080');
    const c = one(objs, 'Deployment').spec.template.spec.containers[0];
    expect(c.livenessProbe.exec.command).toEqual(['node', '/app/healthcheck.mjs', '/healthz']);
    expect(containerEnv(c)).toMatchObject({
      JITSUDO_HEALTHCHECK_URL: 'https://127.0.0.1:8443',
      JITSUDO_CLIENT_CERT_FILE: '/etc/jitsudo/probe-tls/tls.crt',
    });
  });

  it('the NetworkPolicy admits the API from the ingress namespace, metrics from monitoring, egress to DNS, DB, HTTPS, API server', () => {
    const np = one(objs, 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(
      np.spec.ingress.map((r: any) => [r.ports[0].port, r.from[0].namespaceSelector.matchLabels]),
    ).toEqual([
      ['api', { 'kubernetes.io/metadata.name': 'ingress-nginx' }],
      ['metrics', { 'kubernetes.io/metadata.name': 'monitoring' }],
    ]);
    expect(np.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([
      [53, 53],
      [5432],
      [443],
      [443, 6443],
      [587],
    ]);
  });
});

describe('chart refusals', () => {
  it.each([
    ['no database Secret', { ...REQUIRED, database: {} }, /database\.existingSecret is required/],
    ['no master key Secret', { ...REQUIRED, encryption: {} }, /encryption\.existingSecret is required/],
    ['no issuer', { ...REQUIRED, auth: { oidc: { issuer: '' } } }, /auth\.oidc\.issuer is required/],
    [
      'plain HTTP without a TLS proxy',
      { ...REQUIRED, tls: { enabled: false } },
      /needs tls\.enabled or server\.behindTlsProxy/,
    ],
    [
      'mTLS require without a probe certificate',
      {
        ...REQUIRED,
        tls: { existingSecret: 't', clientAuth: 'require', clientCA: { existingSecret: 'ca' } },
      },
      /tls\.probeClientCert\.existingSecret/,
    ],
    [
      'kubernetes RBAC with no grantable role (resourceNames [] would allow binding any)',
      { ...REQUIRED, providers: { kubernetes: { enabled: true, rbac: { grantableClusterRoles: [] } } } },
      /grantableClusterRoles must name the roles/,
    ],
    [
      'behind a proxy with no proxy address',
      { ...REQUIRED, tls: { enabled: false }, server: { behindTlsProxy: { enabled: true } } },
      /trustedProxies must list/,
    ],
  ])('%s', (_name, values, message) => {
    expect(() => chart.render(values)).toThrow(message);
  });
});

describe('the model validator rejects what the API server would', () => {
  const deployment = () => structuredClone(one(renders[0]![1], 'Deployment'));

  it('an unknown field at any depth, a wrong type, a missing required field', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    d.spec.replicas = '2';
    delete d.spec.template.spec.containers[0].name;
    d.metadata.labels.flag = true;
    expect(validateObject(d)).toEqual([
      'Deployment.metadata.labels.flag: expected a string, got true',
      'Deployment.spec.replicas: expected a number, got "2"',
      'Deployment.spec.template.spec.containers[0].securityContext: unknown field "readOnlyRootFileSystem" in V1SecurityContext',
      'Deployment.spec.template.spec.containers[0]: missing required field "name" of V1Container',
    ]);
  });

  it('a kind the client does not model is reported, not passed', () => {
    expect(() => validateObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' })).toThrow(
      /no @kubernetes\/client-node model/,
    );
  });
});

describe('the inline-secret check finds what it is meant to', () => {
  it('flags secret-bearing keys at any depth, and a postgres URL only when it carries a password', () => {
    expect(
      secretKeys({
        database: { url: 'postgres://db/x' },
        notifications: { webhooks: [{ name: 'a', secrets: ['s'] }] },
        providers: {
          azure: { client_secret: 's' },
          postgres: { url: 'postgres://admin:pw@db:5432/postgres' },
          gcp: { access_token: 't' },
        },
        encryption: { key: 'k' },
        auth: { oidc: { issuer: 'https://idp' } },
      }),
    ).toEqual([
      'database.url',
      'notifications.webhooks.0.secrets',
      'providers.azure.client_secret',
      'providers.postgres.url',
      'providers.gcp.access_token',
      'encryption.key',
    ]);
    expect(secretKeys({ providers: { postgres: { url: 'postgres://admin@db:5432/postgres' } } })).toEqual([]);
  });
});
