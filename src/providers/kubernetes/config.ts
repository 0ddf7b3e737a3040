import { z } from 'zod';
import { CommonSection } from '../shared/section.js';

const Cluster = z
  .object({
    /** API server jitsudod talks to, with jitsudod's own credentials… */
    server: z.string().url().optional(),
    token: z.string().min(1).optional(),
    /** …or a token file re-read every minute (in-cluster: /var/run/secrets/kubernetes.io/serviceaccount/token). */
    token_file: z.string().min(1).optional(),
    ca_data: z.string().min(1).optional(),
    ca_file: z.string().min(1).optional(),
    insecure_skip_tls_verify: z.boolean().default(false),
    /** Or a kubeconfig file and context (development). */
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    /** The API server URL users' kubectl should dial, when it differs from `server`. */
    user_server: z.string().url().optional(),
    /** Issue a short-lived ServiceAccount token and kubeconfig with each grant. */
    issue_tokens: z.boolean().default(false),
    /** Where the per-grant ServiceAccounts of cluster-wide grants live. */
    token_namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      .max(63)
      .default('jitsudo-sessions'),
  })
  .strict()
  .refine((c) => !!c.server !== !!c.kubeconfig, {
    message: 'set exactly one of server or kubeconfig',
    path: ['server'],
  })
  .refine((c) => !c.server || !!c.token !== !!c.token_file, {
    message: 'with server, set exactly one of token or token_file',
    path: ['token'],
  });

export const KubernetesSection = z
  .object({
    clusters: z
      .record(
        z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'cluster names are lowercase DNS labels'),
        Cluster,
      )
      .refine((c) => Object.keys(c).length > 0, 'configure at least one cluster'),
    /** Cluster used when a scope names none (`team-a` instead of `prod/team-a`). */
    default_cluster: z.string().optional(),
    managed_label: z.string().default('jitsudo.dev/managed'),
    ...CommonSection,
  })
  .strict()
  .refine((s) => !s.default_cluster || s.default_cluster in s.clusters, {
    message: 'default_cluster must name a configured cluster',
    path: ['default_cluster'],
  });

export type KubernetesSection = z.infer<typeof KubernetesSection>;
export type ClusterConfig = z.infer<typeof Cluster>;
