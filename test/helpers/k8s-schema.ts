/**
 * Validates rendered Kubernetes objects against the models @kubernetes/client-node 1.4.0 carries
 * (OpenAPI spec v1.34): each V1…/V2… class's attributeTypeMap gives the fields and their types,
 * its .d.ts which of them are required (declared without `?`). Unknown fields are rejected at
 * every depth, as `kubectl apply --validate=strict` would. What this cannot see: enum values,
 * formats beyond integers, cross-field rules, and CRDs the client does not model (ServiceMonitor).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { attributeTypeMap: Attribute[] };

const models = k8s as unknown as Record<string, Model | undefined>;
const modelsDir = join(
  dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')),
  'gen',
  'models',
);

/** apiVersion + kind → model class, for the kinds the chart may render. */
const KINDS: Record<string, string> = {
  'v1/ConfigMap': 'V1ConfigMap',
  'v1/Service': 'V1Service',
  'v1/ServiceAccount': 'V1ServiceAccount',
  'v1/Secret': 'V1Secret',
  'apps/v1/Deployment': 'V1Deployment',
  'policy/v1/PodDisruptionBudget': 'V1PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler': 'V2HorizontalPodAutoscaler',
  'networking.k8s.io/v1/NetworkPolicy': 'V1NetworkPolicy',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'V1ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'V1ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1/Role': 'V1Role',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'V1RoleBinding',
};

/** The model class for an object's apiVersion/kind, or undefined when the client has none. */
export function modelFor(obj: { apiVersion?: unknown; kind?: unknown }): string | undefined {
  return KINDS[`${obj.apiVersion}/${obj.kind}`];
}

const requiredCache = new Map<string, Set<string>>();

/** Fields the generated .d.ts declares without `?`. */
function requiredFields(model: string): Set<string> {
  let req = requiredCache.get(model);
  if (!req) {
    const dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
    req = new Set([...dts.matchAll(/^\s+'([^']+)':/gm)].map((m) => m[1]!));
    requiredCache.set(model, req);
  }
  return req;
}

const INT_FORMATS = new Set(['int32', 'int64']);

function check(v: unknown, type: string, format: string, path: string, errors: string[]): void {
  const fail = (what: string): void => {
    errors.push(`${path}: ${what}`);
  };
  if (v === null || v === undefined) {
    fail(`null where ${type} is expected`);
    return;
  }
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) {
    if (!Array.isArray(v)) {
      fail(`expected a list of ${arr[1]}`);
      return;
    }
    for (const [i, x] of v.entries()) check(x, arr[1]!, format, `${path}[${i}]`, errors);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof v !== 'object' || Array.isArray(v)) {
      fail(`expected a map of ${map[1]}`);
      return;
    }
    for (const [k, x] of Object.entries(v)) check(x, map[1]!, '', `${path}.${k}`, errors);
    return;
  }
  switch (type) {
    case 'string':
    case 'Date':
    case 'V1MicroTime':
      if (typeof v !== 'string') fail(`expected a string, got ${JSON.stringify(v)}`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(`expected a boolean, got ${JSON.stringify(v)}`);
      return;
    case 'number':
      if (typeof v !== 'number') fail(`expected a number, got ${JSON.stringify(v)}`);
      else if (INT_FORMATS.has(format) && !Number.isInteger(v)) fail(`expected an integer, got ${v}`);
      return;
    case 'IntOrString':
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v)))
        fail(`expected an integer or a string, got ${JSON.stringify(v)}`);
      return;
    case 'any':
    case 'object':
      return;
  }
  const model = models[type];
  if (!model?.attributeTypeMap) {
    fail(`unknown model type ${type}`);
    return;
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    fail(`expected an object (${type})`);
    return;
  }
  const attrs = new Map(model.attributeTypeMap.map((a) => [a.baseName, a]));
  for (const [k, x] of Object.entries(v)) {
    const a = attrs.get(k);
    if (!a) fail(`unknown field "${k}" in ${type}`);
    else check(x, a.type, a.format, `${path}.${k}`, errors);
  }
  for (const r of requiredFields(type)) {
    const base = model.attributeTypeMap.find((a) => a.name === r)?.baseName ?? r;
    if (!(base in v)) fail(`missing required field "${base}" of ${type}`);
  }
}

/** Every error (path: what) of `obj` against its model; throws if the kind is not modelled. */
export function validateObject(obj: Record<string, unknown>): string[] {
  const model = modelFor(obj);
  if (!model) throw new Error(`no @kubernetes/client-node model for ${obj.apiVersion} ${obj.kind}`);
  const errors: string[] = [];
  check(obj, model, '', `${obj.kind}`, errors);
  return errors;
}
