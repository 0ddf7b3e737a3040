/** API clients per configured cluster; every call carries a timeout (the generated client has none). */
import { readFileSync } from 'node:fs';
import {
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  RbacAuthorizationV1Api,
  ServerConfiguration,
} from '@kubernetes/client-node';
import type { ClusterConfig, KubernetesSection } from './config.js';

export interface ClusterClients {
  rbac: RbacAuthorizationV1Api;
  core: CoreV1Api;
  /** What a user's kubeconfig needs to reach this cluster. */
  server: string;
  caData?: string;
  insecure: boolean;
}

function kubeConfigOf(name: string, c: ClusterConfig): KubeConfig {
  const kc = new KubeConfig();
  if (c.kubeconfig) {
    kc.loadFromFile(c.kubeconfig);
    if (c.context) kc.setCurrentContext(c.context);
    return kc;
  }
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: c.server!,
        caData: c.ca_data,
        caFile: c.ca_file,
        skipTLSVerify: c.insecure_skip_tls_verify,
      },
    ],
    users: [
      c.token
        ? { name: 'jitsudod', token: c.token }
        : { name: 'jitsudod', authProvider: { name: 'tokenFile', config: { tokenFile: c.token_file! } } },
    ],
    contexts: [{ name, cluster: name, user: 'jitsudod' }],
    currentContext: name,
  });
  return kc;
}

export function createClusterClients(cfg: KubernetesSection): (cluster: string) => ClusterClients {
  const cache = new Map<string, ClusterClients>();
  return (name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    const c = cfg.clusters[name]!;
    const kc = kubeConfigOf(name, c);
    const cluster = kc.getCurrentCluster()!;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (ctx) => {
            ctx.setSignal(AbortSignal.timeout(cfg.timeout_ms));
            return ctx;
          },
          post: async (ctx) => ctx,
        },
      ],
    });
    const caData =
      cluster.caData ?? (cluster.caFile ? readFileSync(cluster.caFile).toString('base64') : undefined);
    const clients: ClusterClients = {
      rbac: new RbacAuthorizationV1Api(configuration),
      core: new CoreV1Api(configuration),
      server: c.user_server ?? cluster.server,
      caData,
      insecure: cluster.skipTLSVerify ?? false,
    };
    cache.set(name, clients);
    return clients;
  };
}
