import { z } from 'zod';
import { globalFields, leaf } from '../../args.js';
import { authedClient } from '../../context.js';
import { emit, note } from '../../output.js';
import { auditRows } from '../../render.js';
import { auditListArgs } from './list-args.js';

/** `--since 24h` / `--since 7d` (relative) or an RFC 3339 time → ISO string. */
export const TimeArg = z
  .string()
  .max(64)
  .transform((s, ctx) => {
    const rel = /^(\d+)([smhd])$/.exec(s);
    if (rel) {
      const unit = { s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as 's' | 'm' | 'h' | 'd'];
      return new Date(Date.now() - Number(rel[1]) * unit * 1000).toISOString();
    }
    const t = Date.parse(s);
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(s)) {
      ctx.addIssue({ code: 'custom', message: 'use a duration like 24h or 7d, or an RFC 3339 time' });
      return z.NEVER;
    }
    return new Date(t).toISOString();
  });

export const auditListCommand = leaf({
  name: 'list',
  description: 'Audit events, newest first (your own unless admin)',
  args: auditListArgs,
  schema: z
    .object({
      actor: z.string().min(1).max(254).optional(),
      request: z.string().min(1).max(64).optional(),
      action: z.string().min(1).max(64).optional(),
      provider: z.string().min(1).max(64).optional(),
      since: TimeArg.optional(),
      until: TimeArg.optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      pageToken: z.string().max(512).optional(),
      ...globalFields,
    })
    .strict(),
  async run(a) {
    const page = await authedClient(a.server).queryAudit({
      actor: a.actor,
      request_id: a.request,
      action: a.action,
      provider: a.provider,
      since: a.since,
      until: a.until,
      page_size: a.limit,
      page_token: a.pageToken,
    });
    emit(a.output, page, () => auditRows(page.events));
    if (page.next_page_token && a.output === 'table')
      note(`More: jitsudo audit --page-token ${page.next_page_token}`);
  },
});
