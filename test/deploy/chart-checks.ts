/**
 * Checks on a rendered chart beyond the Kubernetes models: what the pod mounts covers every file
 * the config names, the config loads through jitsudod's own loader in production mode, and
 * selectors/ports refer to each other. Used by helm-chart.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/core/config.js';
import { assertProductionSafe } from '../../src/server/production-mode.js';
import type { RenderedObject } from '../helpers/helm-chart.js';

export const byKind = (objs: RenderedObject[], kind: string) =>
  objs.filter((o) => o.obj.kind === kind).map((o) => o.obj);
export const one = (objs: RenderedObject[], kind: string) => {
  const found = byKind(objs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0]!;
};

/** Env variables that carry a secret: they must come from a Secret, never a literal. */
export const SECRET_ENV = new Set([
  'JITSUDOD_DATABASE_URL',
  'JITSUDOD_ENCRYPTION_KEY',
  'JITSUDOD_OIDC_WEB_CLIENT_SECRET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'PGPASSWORD',
]);

/** Config keys that hold a secret inline (each has a *_file form or an env variable instead). */
const INLINE_SECRET =
  /^(password|secrets|token|access_token|client_secret|web_client_secret|credentials|key|url)$/;

/** Paths of secret-bearing keys in a config object (`url` only where it may carry a password). */
export function secretKeys(config: unknown, prefix = ''): string[] {
  if (!config || typeof config !== 'object') return [];
  if (Array.isArray(config)) return config.flatMap((v, i) => secretKeys(v, `${prefix}.${i}`));
  return Object.entries(config).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    const hit =
      INLINE_SECRET.test(k) &&
      (k !== 'url' ||
        (typeof v === 'string' && /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(v)) ||
        key === 'database.url');
    return hit ? [key] : secretKeys(v, key);
  });
}

/** A stand-in for each Secret-sourced env value, shaped as jitsudod expects it. */
function fakeSecret(name: string): string {
  if (name === 'JITSUDOD_DATABASE_URL') return 'postgres://jitsudo:pw@db.example.com:5432/jitsudo';
  if (name === 'JITSUDOD_ENCRYPTION_KEY') return 'ab'.repeat(32);
  return 'x'.repeat(40);
}

/** The container's environment as the kubelet would set it, Secret values replaced by stand-ins. */
export function containerEnv(container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) env[e.name] = e.valueFrom ? fakeSecret(e.name) : String(e.value);
  return env;
}

/** mountPath → the file names that volume provides there (`*`: any key of a Secret/ConfigMap). */
export function mountedFiles(pod: any): Map<string, Set<string>> {
  const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
  const out = new Map<string, Set<string>>();
  for (const m of pod.containers[0].volumeMounts) {
    const v = volumes.get(m.name);
    if (!v) throw new Error(`volumeMount ${m.name} names no volume`);
    const src = v.secret ?? v.configMap;
    let files: string[];
    if (src) files = src.items ? src.items.map((i: any) => i.path) : ['*'];
    else if (v.projected)
      files = v.projected.sources.flatMap((s: any) =>
        s.serviceAccountToken
          ? [s.serviceAccountToken.path]
          : (s.configMap?.items ?? []).map((i: any) => i.path),
      );
    else files = ['*']; // emptyDir: written at run time
    out.set(m.mountPath, new Set(files));
  }
  return out;
}

/** True when `path` is a file (or, with `dir`, the directory) a mount provides. */
export function isMounted(mounts: Map<string, Set<string>>, path: string, dir = false): boolean {
  for (const [mountPath, files] of mounts) {
    if (dir && path === mountPath) return true;
    if (!path.startsWith(`${mountPath}/`)) continue;
    const rest = path.slice(mountPath.length + 1);
    if (files.has('*') || files.has(rest)) return true;
  }
  return false;
}

/** Every `*_file`, `secret_files` and `policy.dir` value in the config, with its key. */
export function filePaths(config: unknown, prefix = ''): { key: string; path: string; dir: boolean }[] {
  if (!config || typeof config !== 'object') return [];
  return Object.entries(config).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string' && k.endsWith('_file')) return [{ key, path: v, dir: false }];
    if (k === 'secret_files' && Array.isArray(v)) return v.map((p) => ({ key, path: p, dir: false }));
    if (key === 'policy.dir') return [{ key, path: v as string, dir: true }];
    return filePaths(v, key);
  });
}

/**
 * Loads the ConfigMap's jitsudo.yaml exactly as `jitsudod serve` does (production by default, the
 * pod's env over the file) and runs the production start-up rules, with the TLS files it names
 * stood in by real files (the rules check they exist).
 */
export function loadRenderedConfig(yamlText: string, env: Record<string, string>): Readonly<Config> {
  const dir = mkdtempSync(join(tmpdir(), 'jitsudo-chart-'));
  const file = join(dir, 'jitsudo.yaml');
  writeFileSync(file, yamlText);
  const config = loadConfig({ env: { ...env, JITSUDOD_CONFIG: file }, defaults: { mode: 'production' } });
  const standIn = structuredClone(config) as Config;
  for (const key of ['cert_file', 'key_file', 'client_ca_file'] as const) {
    if (standIn.tls[key] === undefined) continue;
    const f = join(dir, key);
    writeFileSync(f, 'stand-in');
    standIn.tls[key] = f;
  }
  assertProductionSafe(standIn);
  return config;
}

/** True when every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
