/** What the policy store verbs share: deps, names, the outward shape, and the compile pre-check. */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { Config } from '../config.js';
import type { Executor } from '../db/client.js';
import type { PolicyRow } from '../db/policies-repo.js';
import type { PolicyHolder } from '../deps.js';
import { AppError } from '../errors.js';
import { catalogPolicyData, loadRegoPolicySet, type RegoPolicySet } from '../policy/index.js';
import { assertEvaluates } from '../policy/trial-inputs.js';
import type { PolicySource } from '../policy/types.js';
import { safeText } from '../validation/text.js';

export interface PolicyDeps {
  db: Executor;
  /** `catalog` feeds data.jitsudo.catalog (read-only roles); absent means an empty catalog. */
  config: Readonly<Pick<Config, 'policy'> & Partial<Pick<Config, 'catalog'>>>;
  policies: PolicyHolder;
  now?: () => Date;
}

/** Letters, digits, dot, dash, underscore: safe as a module file name and in a URL path. */
export const PolicyName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash, underscore');

/** A module's Rego text, up to 512 Ki characters. */
export const RegoSource = safeText(512 * 1024).min(1);

export const RegoVersion = z.enum(['v0', 'v1']);

/** An unsaved module for a dry run: evaluated with the stored enabled set (substituted by name) or instead of it. */
export const PolicyCandidate = z
  .object({ name: PolicyName, rego: RegoSource, rego_version: RegoVersion.optional() })
  .strict();

export interface PolicyView {
  id: string;
  name: string;
  package: string;
  description: string;
  enabled: boolean;
  revision: number;
  rego_version: 'v0' | 'v1';
  /** SHA-256 of the Rego source: what the audit log records instead of the text. */
  sha256: string;
  rego?: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The outward shape of a stored policy; `withRego` adds the source. */
export function policyView(r: PolicyRow, withRego: boolean): PolicyView {
  return {
    id: r.id,
    name: r.name,
    package: r.package,
    description: r.description,
    enabled: r.enabled,
    revision: r.revision,
    rego_version: r.regoVersion,
    sha256: sha256(r.rego),
    ...(withRego ? { rego: r.rego } : {}),
    created_at: r.createdAt.toISOString(),
    created_by: r.createdBy,
    updated_at: r.updatedAt.toISOString(),
    updated_by: r.updatedBy,
  };
}

/** The package a module declares (`jitsudo.eligibility`), or '' if none is found. */
export function packageOf(rego: string): string {
  return /^[ \t]*package[ \t]+([A-Za-z_][\w.]*)/m.exec(rego)?.[1] ?? '';
}

export const toSource = (r: Pick<PolicyRow, 'name' | 'rego' | 'regoVersion'>): PolicySource => ({
  name: r.name,
  rego: r.rego,
  regoVersion: r.regoVersion,
});

/** Load options of a stored set: its syntax default and the catalog as data.jitsudo.catalog. */
export const loadOptions = (config: PolicyDeps['config']) => ({
  regoVersion: config.policy.rego_version,
  data: catalogPolicyData(config.catalog),
});

/** Compiles `sources` as one set; throws VALIDATION with the compiler's locations if it does not. */
export function compileSet(sources: readonly PolicySource[], config: PolicyDeps['config']): RegoPolicySet {
  return loadRegoPolicySet(sources, loadOptions(config));
}

/**
 * The check before a set goes live: it compiles, and it evaluates without error on the documented
 * trial inputs (policy/trial-inputs.ts); throws VALIDATION naming the module and rule otherwise.
 */
export function checkSet(sources: readonly PolicySource[], config: PolicyDeps['config']): RegoPolicySet {
  const set = compileSet(sources, config);
  assertEvaluates(set);
  return set;
}

/** Policy writes are for administrators. */
export function assertPolicyAdmin(actor: Actor, what: string): void {
  if (!actor.isAdmin) throw new AppError('FORBIDDEN', `only administrators may ${what}`);
}

/** The store is the database only for the rego engine; a wasm bundle is built and shipped elsewhere. */
export function assertStoreEngine(config: PolicyDeps['config']): void {
  if (config.policy.engine !== 'rego')
    throw new AppError(
      'CONFLICT',
      'policies come from the configured wasm bundle (policy.engine = wasm); rebuild the bundle instead',
    );
}

/** The default policy directory shipped with the package (`policies/`). */
export function defaultPolicyDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'policies')) && existsSync(join(dir, 'package.json')))
      return join(dir, 'policies');
    dir = resolve(dir, '..');
  }
  throw new AppError('INTERNAL', 'default policies/ folder not found next to the jitsudo package');
}
