/** Pure edits of an IAM policy's bindings; the provider wraps them in an etag-checked write. */
import { expiryExpression, expiryOf } from './request.js';

export interface Binding {
  role?: string | null;
  members?: string[] | null;
  condition?: { expression?: string | null; title?: string | null; description?: string | null } | null;
}

const ours = (b: Binding, role: string, title: string) => b.role === role && b.condition?.title === title;

/** The binding this grant wrote, if it is present with the member. */
export const findGrant = (bindings: Binding[], role: string, title: string, member: string) =>
  bindings.find((b) => ours(b, role, title) && b.members?.includes(member));

/** Removes `member` from this grant's binding; drops the binding once it has no members. */
export function withoutGrant(bindings: Binding[], role: string, title: string, member: string): Binding[] {
  return bindings
    .map((b) => (ours(b, role, title) ? { ...b, members: (b.members ?? []).filter((m) => m !== member) } : b))
    .filter((b) => (b.members ?? []).length > 0);
}

/**
 * Drops bindings jitsudo wrote (title `<prefix>-…` and our exact CEL form) whose time has passed.
 * IAM already ignores them; removing them keeps the policy under the conditional-binding quota.
 */
export function withoutExpired(bindings: Binding[], prefix: string, now: Date): Binding[] {
  return bindings.filter((b) => {
    if (!b.condition?.title?.startsWith(`${prefix}-`)) return true;
    const t = expiryOf(b.condition.expression);
    return t === undefined || t.getTime() > now.getTime();
  });
}

/** This grant's binding with its condition ending at `expiresAt` (an extension, ADR 0045). */
export function withExpiry(bindings: Binding[], role: string, title: string, expiresAt: Date): Binding[] {
  return bindings.map((b) =>
    ours(b, role, title)
      ? { ...b, condition: { ...b.condition, expression: expiryExpression(expiresAt) } }
      : b,
  );
}
