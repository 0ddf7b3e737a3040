import { z } from 'zod';
import { safeText } from '../../core/validation/text.js';
import { READ } from '../annotations.js';
import { defineTool } from '../define.js';
import { ApproverTier } from '../schemas.js';

const Entry = z.looseObject({
  provider: z.string(),
  role: z.string(),
  scope: z.string(),
  description: z.string(),
  max_duration_seconds: z.number().describe('the longest duration policy allows you for this entry'),
  approver_tier: ApproverTier,
});

export const listEligibleAccessTool = defineTool({
  name: 'list_eligible_access',
  title: 'List the access you may request',
  right: 'requester',
  description:
    'Lists the access this identity may request right now: provider, role, scope, the longest duration policy ' +
    'allows, and who would approve a request of up to 1 hour (auto = granted at once, ai_review = the AI ' +
    'reviewer, human = a person). It is computed from the live policies over the server’s catalog of roles, so ' +
    'call it first and pick from it instead of guessing: request_access for anything else will most likely be ' +
    'denied. Filters are optional. Returns {entries, checked, not_eligible, truncated, trust_tier}; never ' +
    'credentials.',
  input: z
    .object({
      provider: safeText(64).min(1).optional().describe('only this provider, e.g. aws'),
      role: safeText(256).min(1).optional().describe('only this role'),
      scope: safeText(1024).optional().describe('only this scope (account, project, namespace…)'),
    })
    .strict(),
  output: {
    entries: z.array(Entry),
    checked: z.number().describe('catalog entry/scope pairs checked against policy'),
    not_eligible: z.number().describe('how many of them policy does not allow you'),
    truncated: z.boolean().describe('true when the catalog was too large to check at once; use the filters'),
    trust_tier: z.number().describe('your trust tier (0–4), which policy may take into account'),
  },
  annotations: READ,
  async run(ctx, args) {
    const r = await ctx.verbs.listEligibleAccess(ctx.actor, args);
    const summary =
      r.entries.length === 0
        ? 'Nothing in the catalog is available to you.'
        : `${r.entries.length} entr${r.entries.length === 1 ? 'y' : 'ies'} available to you.`;
    return { structured: r, summary };
  },
});
