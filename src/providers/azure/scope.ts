/** ARM scope parsing: what Azure accepts as a role-assignment scope, normalized. */
import { createHash } from 'node:crypto';
import { invalid } from '../shared/validate.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RG = /^[-\w.()]{0,89}[-\w()]$/;
const SEGMENT = /^[^/?#%\s]{1,260}$/;

export interface ArmScope {
  scope: string;
  subscriptionId?: string;
  resourceGroup?: string;
}

export const isGuid = (s: string) => GUID.test(s);

/** Accepts a subscription id, or an ARM path to a subscription, resource group, resource or management group. */
export function parseScope(raw: string): ArmScope {
  const s = raw.trim().replace(/\/+$/, '');
  if (GUID.test(s)) return { scope: `/subscriptions/${s.toLowerCase()}`, subscriptionId: s.toLowerCase() };
  const parts = s.split('/').slice(1);
  if (!s.startsWith('/') || parts.some((p) => !SEGMENT.test(p))) bad(raw);
  if (parts[0]?.toLowerCase() === 'providers') {
    if (
      parts.length === 4 &&
      parts[1]?.toLowerCase() === 'microsoft.management' &&
      parts[2]?.toLowerCase() === 'managementgroups' &&
      RG.test(parts[3]!)
    )
      return { scope: `/providers/Microsoft.Management/managementGroups/${parts[3]}` };
    bad(raw);
  }
  if (parts[0]?.toLowerCase() !== 'subscriptions' || !GUID.test(parts[1] ?? '')) bad(raw);
  const subscriptionId = parts[1]!.toLowerCase();
  if (parts.length === 2) return { scope: `/subscriptions/${subscriptionId}`, subscriptionId };
  if (parts[2]?.toLowerCase() !== 'resourcegroups' || !RG.test(parts[3] ?? '')) bad(raw);
  const resourceGroup = parts[3]!;
  const base = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  if (parts.length === 4) return { scope: base, subscriptionId, resourceGroup };
  // …/providers/<Namespace>/<type>/<name>[/<type>/<name>…]
  const rest = parts.slice(4);
  if (
    rest[0]?.toLowerCase() !== 'providers' ||
    !/^[A-Za-z][\w]*(\.[A-Za-z]\w*)+$/.test(rest[1] ?? '') ||
    rest.length < 4 ||
    (rest.length - 2) % 2 !== 0
  )
    bad(raw);
  return { scope: `${base}/${rest.join('/')}`, subscriptionId, resourceGroup };
}

function bad(raw: string): never {
  invalid(
    'azure',
    `scope "${raw}" is not an ARM scope: use a subscription id, /subscriptions/<id>[/resourceGroups/<rg>[/providers/<ns>/<type>/<name>]] or /providers/Microsoft.Management/managementGroups/<id>`,
  );
}

/**
 * The role assignment's name: a GUID derived from the request id, so a retried grant PUTs the same
 * assignment and revoke finds it without stored state. Same derivation as the Go original.
 */
export function assignmentNameFor(requestId: string): string {
  const h = createHash('sha256').update(`jitsudo-assignment:${requestId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
