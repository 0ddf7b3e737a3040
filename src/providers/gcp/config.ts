import { z } from 'zod';
import { CommonSection } from '../shared/section.js';

export const GcpSection = z
  .object({
    /** `http://127.0.0.1:1234` for a local fake; unset → cloudresourcemanager.googleapis.com. */
    api_endpoint: z.string().url().optional(),
    /** A fixed OAuth access token (tests). Unset → Application Default Credentials. */
    access_token: z.string().min(1).optional(),
    condition_title_prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .default('jitsudo'),
    /** Read-modify-write rounds when another writer changes the policy first (409 ABORTED). */
    etag_retries: z.number().int().min(1).max(20).default(5),
    ...CommonSection,
  })
  .strict();

export type GcpSection = z.infer<typeof GcpSection>;
