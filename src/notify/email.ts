/**
 * The email sink (SMTP via nodemailer) for approvers without Slack. One short connection per
 * message (no pool to go stale); every wait bounded (connect, greeting, socket), so a server that
 * hangs is a retry, never a stuck pump. SMTP 4xx replies and network trouble are retried; a 5xx
 * reply is permanent (the server refused this message and will again).
 */
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppError } from '../core/errors.js';
import { cappedNote } from '../core/outbox/approvers.js';
import type { EmailConfig } from '../core/outbox/config.js';
import {
  APPROVER_EVENTS,
  type ApproverResolver,
  eventFilter,
  type OutboxEvent,
  type Sink,
  type SinkResult,
} from './sink.js';

/** The SMTP password: inline or read from its file now (a bad file names its key, never the content). */
export function emailPassword(c: EmailConfig): string | undefined {
  if (c.smtp.password) return c.smtp.password;
  if (!c.smtp.password_file) return undefined;
  try {
    return readFileSync(c.smtp.password_file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new AppError(
      'VALIDATION',
      `invalid config key notifications.email.smtp.password_file: cannot read ${c.smtp.password_file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Subject, text and HTML for `e` (request fields and the audit actor only: no credential is ever in them). */
export function emailContent(e: OutboxEvent): Omit<EmailMessage, 'to'> {
  const r = e.request;
  // ASCII only: a plain Subject header that any mail filter can match without decoding.
  const subject = `[jitsudo] ${e.type}${e.request_id ? ` ${e.request_id}` : ''}`;
  const rows: [string, string][] = [
    ['Event', e.type],
    ['Time', e.time],
    ['By', String(e.data.actor ?? 'system')],
  ];
  if (r)
    rows.push(
      ['Request', r.id],
      ['State', r.state],
      ['Requester', r.requester.identity],
      ['Provider', r.provider],
      ['Role', r.role],
      ['Scope', r.resource_scope],
      ['Duration', `${r.duration_seconds} s`],
      ['Reason', r.reason],
      ['Approvals', `${r.approved_by.length} of ${r.approvals_required}`],
      ...(r.break_glass ? ([['Break-glass', 'yes']] as [string, string][]) : []),
      ...(r.expires_at ? ([['Expires', r.expires_at]] as [string, string][]) : []),
    );
  rows.push(['Event id', e.id]);
  const text = `${rows.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
  const html = `<!doctype html><html><body><p>${esc(subject)}</p><table>${rows
    .map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('')}</table></body></html>`;
  return { subject, text, html };
}

export class EmailSink implements Sink {
  readonly name: string;
  readonly wants: (type: string) => boolean;
  readonly #cfg: EmailConfig;
  readonly #rules: { wants: (t: string) => boolean; provider?: string; role?: string; to: string[] }[];
  readonly #transport: Transporter;
  readonly #approvers: ApproverResolver | undefined;

  /** `approvers` is needed for `to_approvers` (ADR 0057); without it no approver is mailed. */
  constructor(c: EmailConfig, password: string | undefined, approvers?: ApproverResolver) {
    this.name = c.name;
    this.#cfg = c;
    this.#rules = c.recipients.map((r) => ({
      wants: eventFilter(r.match.events),
      provider: r.match.provider,
      role: r.match.role,
      to: r.to,
    }));
    this.#approvers = c.to_approvers ? approvers : undefined;
    this.wants = (t) => this.#rules.some((r) => r.wants(t)) || (!!this.#approvers && APPROVER_EVENTS.has(t));
    const s = c.smtp;
    this.#transport = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      tls: s.ca_file ? { ca: readFileSync(s.ca_file, 'utf8') } : undefined,
      auth: s.user ? { user: s.user, pass: password ?? '' } : undefined,
      connectionTimeout: s.connection_timeout_ms,
      greetingTimeout: s.greeting_timeout_ms,
      socketTimeout: s.socket_timeout_ms,
      // nodemailer logs nothing unless told; keep it that way (its debug log would carry addresses and AUTH).
      logger: false,
      debug: false,
    });
  }

  /** The addresses every matching rule names for `e`, deduplicated. */
  recipientsOf(e: OutboxEvent): string[] {
    const to = new Set<string>();
    for (const r of this.#rules) {
      if (!r.wants(e.type)) continue;
      if (r.provider && r.provider !== e.request?.provider) continue;
      if (r.role && r.role !== e.request?.role) continue;
      for (const a of r.to) to.add(a);
    }
    return [...to];
  }

  /** The rules' addresses plus, when the request now waits for a person, its resolved approvers. */
  async #addresses(e: OutboxEvent): Promise<{ to: string[]; note: string | null }> {
    const to = this.recipientsOf(e);
    const r = e.request;
    if (
      !this.#approvers ||
      !APPROVER_EVENTS.has(e.type) ||
      r?.state !== 'PENDING' ||
      r.approver_tier !== 'human'
    )
      return { to, note: null };
    const found = await this.#approvers(r.id);
    const have = new Set(to.map((a) => a.toLowerCase()));
    for (const a of found.emails) if (!have.has(a.toLowerCase())) to.push(a);
    return { to, note: cappedNote(found) };
  }

  async deliver(e: OutboxEvent, signal: AbortSignal): Promise<SinkResult> {
    const { to, note } = await this.#addresses(e);
    if (to.length === 0) return { ok: true }; // no rule wants this one (provider/role): nothing to send
    const { subject, text, html } = emailContent(e);
    const send = this.#transport.sendMail({
      from: this.#cfg.from,
      to,
      subject,
      text,
      html,
      // The event id as Message-ID: a receiving system dedupes a retried delivery on it.
      messageId: `<${e.id}@jitsudo>`,
      headers: { 'X-Jitsudo-Event-Id': e.id, 'X-Jitsudo-Event-Type': e.type },
    });
    // nodemailer takes no signal, and its socket timeout is per idle gap (a server trickling bytes
    // resets it): stop waiting when the worker stops or an overall bound passes (a retry then).
    const s = this.#cfg.smtp;
    const bound = s.connection_timeout_ms + s.greeting_timeout_ms + 2 * s.socket_timeout_ms;
    const any = AbortSignal.any([signal, AbortSignal.timeout(bound)]);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<SinkResult>((resolve) => {
      onAbort = () =>
        resolve({
          ok: false,
          retryable: true,
          error: signal.aborted ? 'aborted (server stopping)' : `SMTP timed out after ${bound} ms`,
        });
      if (any.aborted) onAbort();
      else any.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const sent = (): SinkResult => (note ? { ok: true, note } : { ok: true });
      return await Promise.race([send.then(sent, smtpFailure), aborted]);
    } finally {
      if (onAbort) any.removeEventListener('abort', onAbort);
      send.catch(() => {});
    }
  }

  close(): void {
    this.#transport.close();
  }
}

/** 5xx permanent; 4xx, timeouts and network errors retried. Only codes are kept: a reply could echo addresses. */
export function smtpFailure(err: unknown): SinkResult {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') {
    const error = `SMTP ${e.responseCode}${e.code ? ` (${e.code})` : ''}`;
    return { ok: false, retryable: e.responseCode < 500, error };
  }
  return { ok: false, retryable: true, error: `SMTP ${e.code ?? 'error'}` };
}
