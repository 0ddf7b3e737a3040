import { z } from 'zod';
import { CommonSection } from '../shared/section.js';

export const AzureSection = z
  .object({
    tenant_id: z.string().min(1),
    /** The app registration (or user-assigned managed identity) jitsudod signs in as. */
    client_id: z.string().regex(/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i, 'must be a GUID'),
    /** One of: a client secret, or a federated token file (AKS workload identity). */
    client_secret: z.string().min(1).optional(),
    federated_token_file: z.string().min(1).optional(),
    authority_host: z.string().url().default('https://login.microsoftonline.com'),
    arm_endpoint: z.string().url().default('https://management.azure.com'),
    graph_endpoint: z.string().url().default('https://graph.microsoft.com'),
    /** principalType sent for requesters given as a bare object id (UPNs resolve to `User`). */
    object_id_principal_type: z.enum(['User', 'Group', 'ServicePrincipal']).optional(),
    ...CommonSection,
  })
  .strict()
  .refine((s) => !!s.client_secret !== !!s.federated_token_file, {
    message: 'set exactly one of client_secret or federated_token_file',
    path: ['client_secret'],
  });

export type AzureSection = z.infer<typeof AzureSection>;
