/**
 * The step-up pages (ADR 0050): minimal server-rendered HTML, no script, no style, every value
 * escaped. Served with a CSP that allows nothing but posting forms back here, never framed, never
 * cached.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppErrorCode } from '../../core/errors.js';
import type { RequestView } from '../../core/requests/view.js';
import type { HonoEnv } from '../env.js';
import { httpStatusOf } from '../errors.js';

export const PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const esc = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** The headers every step-up response carries (pages and redirects alike). */
export function pageHeaders(c: Context<HonoEnv>): void {
  c.header('Content-Security-Policy', PAGE_CSP);
  c.header('X-Frame-Options', 'DENY');
  c.header('Cache-Control', 'no-store');
}

function doc(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;
}

export function page(
  c: Context<HonoEnv>,
  status: ContentfulStatusCode,
  title: string,
  text: string,
): Response {
  pageHeaders(c);
  return c.html(doc(title, `<p>${esc(text)}</p>`), status);
}

/** A refusal as a page: the AppError's message (written to be shown), its status. */
export function errorPage(c: Context<HonoEnv>, code: AppErrorCode, message: string): Response {
  // Never a 500 page: what is not the caller's fault is "not available, try again".
  const mapped = httpStatusOf(code);
  const status = mapped >= 500 ? 503 : mapped;
  return page(c, status, status >= 500 ? 'Not available' : 'Not done', message);
}

const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;

/** The request and its two choices (approve / deny, or a break-glass review's), each a POST carrying the CSRF token. */
export function decisionPage(
  c: Context<HonoEnv>,
  v: RequestView,
  who: string,
  csrf: string,
  purpose: 'approve' | 'review',
): Response {
  pageHeaders(c);
  const table = `<table>${[
    row('Request', v.id),
    row('State', v.state),
    row(
      'Requester',
      v.requester.agent
        ? `agent ${v.requester.agent.name} (owner ${v.requester.agent.owner})`
        : v.requester.identity,
    ),
    row('Provider', v.provider),
    row('Role', v.role),
    row('Scope', v.resource_scope || '-'),
    row('Duration (s)', String(v.duration_seconds)),
    row('Reason', v.reason),
    purpose === 'review'
      ? row('Break-glass', 'yes: approval was skipped')
      : row('Approvals', `${v.approved_by.length} of ${v.approvals_required}`),
  ].join('')}</table>`;
  const [a, b] =
    purpose === 'review'
      ? [
          ['justified', 'Justified'],
          ['unjustified', 'Unjustified (revokes an active grant)'],
        ]
      : [
          ['approve', 'Approve'],
          ['deny', 'Deny'],
        ];
  const button = (x: string[]) =>
    `<button type="submit" name="decision" value="${x[0]}">${esc(x[1]!)}</button>`;
  // A relative action: the page also works under a path prefix of http.public_url.
  const form = `<form method="post" action="decide"><input type="hidden" name="csrf" value="${esc(csrf)}"><p><label>Comment <input type="text" name="comment" maxlength="1000"></label></p><p>${button(a!)} ${button(b!)}</p></form>`;
  const title = purpose === 'review' ? 'Review this break-glass access' : 'Confirm your decision';
  return c.html(doc(title, `<p>Signed in as ${esc(who)}.</p>${table}${form}`), 200);
}
