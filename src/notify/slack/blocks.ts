/**
 * Block Kit messages for requests (ADR 0048): what is asked, by whom and why, how the policy routed
 * it (approver tier, groups, N of M), the AI reviewer's reasoning when it escalated, who decided,
 * and Approve / Deny buttons while it waits for a person. Built from the RequestView only, which
 * never carries a credential; every user-supplied string is escaped so it cannot mention
 * @channel or forge a link.
 */
import type { RequestView } from '../../core/requests/view.js';

export const APPROVE_ACTION = 'jitsudo_approve';
export const DENY_ACTION = 'jitsudo_deny';
/** The break-glass alert's Review button: a step-up link to review it (ADR 0050). */
export const REVIEW_ACTION = 'jitsudo_review';

type Block = Record<string, unknown>;
export interface SlackContent {
  text: string;
  blocks: Block[];
}

/** Escapes Slack's control characters (`&`, `<`, `>`): no mention, link or channel ping from data. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const md = (text: string, max = 2900): Block => ({ type: 'mrkdwn', text: clip(text, max) });
/** Section fields are capped at 2,000 characters by Block Kit. */
const field = (text: string): Block => md(text, 1900);

const STATE_LABEL: Record<string, string> = {
  PENDING: ':hourglass_flowing_sand: Waiting for approval',
  APPROVED: ':white_check_mark: Approved — granting',
  ACTIVE: ':white_check_mark: Access granted',
  REJECTED: ':no_entry: Denied',
  CANCELLED: ':heavy_multiplication_x: Cancelled',
  EXPIRED: ':clock3: Ended',
  REVOKED: ':lock: Revoked',
  FAILED: ':warning: Failed',
};

function requester(v: RequestView): string {
  const a = v.requester.agent;
  return a ? `agent ${a.name} (owner ${a.owner})` : v.requester.identity;
}

function duration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.round((s % 3600) / 60);
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/** "1 of 2 approvals: alice@example.com". */
export function progress(v: RequestView): string {
  const by = v.approved_by.length ? `: ${v.approved_by.join(', ')}` : '';
  return `${v.approved_by.length} of ${v.approvals_required} approval${v.approvals_required === 1 ? '' : 's'}${by}`;
}

function routing(v: RequestView): string {
  const groups = v.approver_groups.length ? `, approvers in ${v.approver_groups.join(' or ')}` : '';
  const stepUp = v.step_up ? ' · step-up: Approve asks for a fresh sign-in' : '';
  return `Routing: ${v.approver_tier} approval${groups} · ${progress(v)}${stepUp}`;
}

/** An escalating AI reviewer's comment and the string fields of its reasoning (first few). */
function escalations(v: RequestView): string[] {
  return v.approvals
    .filter((a) => a.decision === 'escalated')
    .map((a) => {
      const fields = Object.entries(a.reasoning ?? {})
        .filter(([, x]) => typeof x === 'string' || typeof x === 'number')
        .slice(0, 5)
        .map(([k, x]) => `• ${esc(k)}: ${esc(clip(String(x), 300))}`);
      return [`*AI reviewer ${esc(a.approver)} escalated:* ${esc(clip(a.comment, 600))}`, ...fields].join(
        '\n',
      );
    });
}

function decisions(v: RequestView): string[] {
  return v.approvals
    .filter((a) => a.decision !== 'escalated')
    .map(
      (a) =>
        `${a.decision === 'approved' ? 'Approved' : 'Denied'} by ${a.approver}${a.comment ? `: ${clip(a.comment, 300)}` : ''}`,
    )
    .map(esc);
}

/** The message for a request as it stands; with buttons while it waits for a human decision. */
export function requestMessage(v: RequestView): SlackContent {
  const label = STATE_LABEL[v.state] ?? v.state;
  const blocks: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`Access request: ${label.replace(/^:[a-z_0-9]+: /, '')}`, 150) },
    },
    {
      type: 'section',
      text: md(`${label}${v.break_glass ? ' · :rotating_light: *break-glass*' : ''}`),
      fields: [
        field(`*Requester*\n${esc(requester(v))}`),
        field(`*Provider*\n${esc(v.provider)}`),
        field(`*Role*\n${esc(v.role)}`),
        field(`*Scope*\n${esc(v.resource_scope || '—')}`),
        field(`*Duration*\n${duration(v.duration_seconds)}`),
        field(`*Request*\n\`${esc(v.id)}\``),
      ],
    },
    { type: 'section', text: md(`*Reason*\n${esc(clip(v.reason, 1500)) || '—'}`) },
    { type: 'context', elements: [md(esc(routing(v)))] },
  ];
  for (const e of escalations(v)) blocks.push({ type: 'section', text: md(e) });
  const decided = decisions(v);
  if (decided.length) blocks.push({ type: 'context', elements: [md(clip(decided.join('\n'), 2900))] });
  if (v.end_reason && v.state !== 'PENDING')
    blocks.push({ type: 'context', elements: [md(esc(`Ended: ${v.end_reason}`))] });
  if (v.state === 'PENDING' && v.approver_tier !== 'auto') blocks.push(buttons(v.id));
  return {
    text: clip(
      `${label.replace(/^:[a-z_0-9]+: /, '')}: ${requester(v)} asks for ${v.role} on ${v.provider} (${v.id})`,
      3000,
    ),
    blocks,
  };
}

function buttons(id: string): Block {
  return {
    type: 'actions',
    block_id: 'jitsudo_decision',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        style: 'primary',
        value: id,
        text: { type: 'plain_text', text: 'Approve' },
      },
      {
        type: 'button',
        action_id: DENY_ACTION,
        style: 'danger',
        value: id,
        text: { type: 'plain_text', text: 'Deny' },
        confirm: {
          title: { type: 'plain_text', text: 'Deny this request?' },
          text: { type: 'plain_text', text: 'The requester is told it was denied in Slack.' },
          confirm: { type: 'plain_text', text: 'Deny' },
          deny: { type: 'plain_text', text: 'Back' },
        },
      },
    ],
  };
}

/** The short DM telling a requester what happened to their request (`what`: "was approved"…). */
export function requesterMessage(
  v: RequestView,
  what: string,
  e: { data: Record<string, unknown> },
): SlackContent {
  const details = (e.data.details ?? {}) as Record<string, unknown>;
  const at = typeof details.expires_at === 'string' ? ` (at ${details.expires_at})` : '';
  const by = typeof e.data.actor === 'string' && e.data.actor !== 'system' ? ` by ${e.data.actor}` : '';
  const decided = /approved|denied/.test(what) ? by : '';
  const line = `Your request \`${v.id}\` for ${v.role} on ${v.provider} (${v.resource_scope || 'all'}) ${what}${decided}${at}.`;
  return { text: clip(line, 3000), blocks: [{ type: 'section', text: md(esc(line)) }] };
}

/** The loud break-glass alert posted to every configured channel. */
export function breakGlassMessage(v: RequestView, actor: string): SlackContent {
  const who = v.requester.identity || actor;
  const line = `BREAK-GLASS used by ${who}: ${v.role} on ${v.provider} (${v.resource_scope || 'all'}) for ${duration(v.duration_seconds)}, approval skipped`;
  return {
    text: clip(`:rotating_light: ${line}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: ':rotating_light: Break-glass access used' } },
      { type: 'section', text: md(`<!here> *${esc(line)}*\n*Reason*\n${esc(clip(v.reason, 1500))}`) },
      {
        type: 'context',
        elements: [
          md(`Request \`${esc(v.id)}\` — review it now; revoke with \`jitsudo revoke ${esc(v.id)}\``),
        ],
      },
      {
        type: 'actions',
        block_id: 'jitsudo_review',
        elements: [
          {
            type: 'button',
            action_id: REVIEW_ACTION,
            value: v.id,
            text: { type: 'plain_text', text: 'Review' },
          },
        ],
      },
    ],
  };
}
