import { basename } from 'node:path';

/**
 * The store's name for a policy file: its path under `policies/` with `/` → `.`
 * (`policies/eligibility/sre.rego` → `eligibility.sre`, as seeded), else the file's base name.
 */
export function policyNameOf(path: string): string {
  const parts = path
    .replace(/\\/g, '/')
    .replace(/\.rego$/, '')
    .split('/');
  const i = parts.lastIndexOf('policies');
  return i >= 0 && i < parts.length - 1
    ? parts.slice(i + 1).join('.')
    : basename(path).replace(/\.rego$/, '');
}
