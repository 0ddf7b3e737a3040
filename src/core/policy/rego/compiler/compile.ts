/**
 * The compiler pipeline: parse every module, place rules in the rule tree, resolve and order each
 * rule, check recursion. Errors from all modules are collected and thrown together.
 */
import type { CompileOptions, RegoModule } from '../api.js';
import type { Module, Rule } from '../ast.js';
import { allBuiltins } from '../builtins/index.js';
import type { BuiltinDef } from '../builtins/types.js';
import { RegoError } from '../errors.js';
import { parseModule, parseQuery } from '../parser/index.js';
import type { Value } from '../value.js';
import type { CQuery, CRule, RNode } from './ir.js';
import { checkRecursion } from './recursion.js';
import { compileError, type ModuleEnv, Resolver } from './resolve.js';
import { compileRule } from './rules.js';
import { reorderBody } from './safety.js';
import { declaredNames, directNames, Frame, Scope } from './scope.js';
import { ensureNode, finalizeTree, newNode, pathText, placeRule } from './tree.js';

export interface Program {
  readonly root: RNode;
  readonly builtins: Map<string, BuiltinDef>;
  readonly packages: string[];
}

function fail(errors: RegoError[]): never {
  const first = errors[0]!;
  for (const e of errors.slice(1)) first.others.push(e, ...e.others);
  throw first;
}

function shell(
  kind: CRule['kind'],
  name: string,
  node: RNode,
  ground: boolean,
  isDefault: boolean,
  rule: Rule,
): CRule {
  const arity = rule.args?.length ?? 0;
  return { kind, name, node, ground, suffix: [], body: [], nslots: 0, isDefault, arity, loc: rule.loc };
}

/** Compiles modules into a program; throws RegoError (with `.others`) on any error. */
export function compileModules(modules: readonly RegoModule[], opts: CompileOptions = {}): Program {
  try {
    return compileAll(modules, opts);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RegoError(
        'rego_parse_error',
        'policy is nested too deeply to compile (simplify deeply nested terms)',
      );
    }
    throw e;
  }
}

function compileAll(modules: readonly RegoModule[], opts: CompileOptions): Program {
  const builtins = allBuiltins();
  for (const b of opts.extraBuiltins ?? []) builtins.set(b.name, b);
  const errors: RegoError[] = [];
  const parsed: Module[] = [];
  for (const m of modules) {
    try {
      parsed.push(parseModule(m.source, m.name, m.regoVersion ?? opts.regoVersion ?? 'v1'));
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      errors.push(e);
    }
  }
  if (errors.length > 0) fail(errors);

  const root = newNode(null, []);
  const globals = new Map<string, Set<string>>();
  const work: { rule: Rule; mod: Module; cr: CRule; dynamic: Rule['ref'] }[] = [];
  for (const mod of parsed) {
    ensureNode(root, mod.pkg);
    const pkgKey = mod.pkg.join('.');
    if (!globals.has(pkgKey)) globals.set(pkgKey, new Set());
    for (const rule of mod.rules) {
      try {
        const first = rule.ref[0]!;
        const name = first.type === 'var' ? first.name : '';
        if (mod.version === 'v1' && (name === 'input' || name === 'data')) {
          throw compileError(`rules must not shadow ${name} (use a different rule name)`, rule.loc);
        }
        globals.get(pkgKey)!.add(name);
        const { node, kind, dynamic } = placeRule(root, mod.pkg, rule);
        const label = pathText(node.path);
        const cr = shell(kind, label, node, dynamic.length === 0, rule.default, rule);
        let tail = cr;
        for (let e = rule.else; e; e = e.else) {
          tail.elseRule = shell(kind, label, node, dynamic.length === 0, false, e);
          tail = tail.elseRule;
        }
        if (rule.default) {
          if (node.defaultRule)
            throw compileError(`multiple default rules ${label} found`, rule.loc, 'rego_type_error');
          node.defaultRule = cr;
        } else {
          node.rules.push(cr);
        }
        work.push({ rule, mod, cr, dynamic });
      } catch (e) {
        if (!(e instanceof RegoError)) throw e;
        errors.push(e);
      }
    }
  }
  errors.push(...finalizeTree(root));
  if (errors.length > 0) fail(errors);

  const envs = new Map<Module, ModuleEnv>();
  for (const { rule, mod, cr, dynamic } of work) {
    let env = envs.get(mod);
    if (!env) {
      env = moduleEnv(mod, globals.get(mod.pkg.join('.'))!, builtins, root);
      envs.set(mod, env);
    }
    try {
      compileRule(rule, dynamic, env, cr);
    } catch (e) {
      if (!(e instanceof RegoError)) throw e;
      errors.push(e);
    }
  }
  if (errors.length > 0) fail(errors);
  checkRecursion(root);
  const packages = [...new Set(parsed.map((m) => m.pkg.join('.')))];
  return { root, builtins, packages };
}

function moduleEnv(
  mod: Module,
  globals: Set<string>,
  builtins: Map<string, BuiltinDef>,
  tree: RNode,
): ModuleEnv {
  const imports = new Map<string, { root: 'data' | 'input'; path: Value[] }>();
  for (const imp of mod.imports) {
    const p = imp.path;
    const head = p.type === 'ref' ? p.head : p;
    if (head.type !== 'var' || (head.name !== 'data' && head.name !== 'input')) continue;
    const segs = p.type === 'ref' ? p.path : [];
    const path: Value[] = [];
    for (const s of segs) {
      if (s.type !== 'scalar') throw compileError('import paths must be constant', imp.loc);
      path.push(s.value);
    }
    const alias = imp.alias ?? (path.length > 0 ? String(path[path.length - 1]) : head.name);
    imports.set(alias, { root: head.name, path });
  }
  return { file: mod.file, pkg: mod.pkg, imports, globals, builtins, tree };
}

/** Compiles a query against a program; user variables are reported in `vars`. */
export function compileQuery(program: Program, source: string): CQuery {
  try {
    return compileQueryBody(program, source);
  } catch (e) {
    if (e instanceof RangeError) throw new RegoError('rego_parse_error', 'query is nested too deeply');
    throw e;
  }
}

function compileQueryBody(program: Program, source: string): CQuery {
  const exprs = parseQuery(source);
  const env: ModuleEnv = {
    file: 'query',
    pkg: [],
    imports: new Map(),
    globals: new Set(),
    builtins: program.builtins,
    tree: program.root,
  };
  const frame = new Frame();
  const scope = new Scope(undefined, directNames(exprs), declaredNames(exprs));
  const r = new Resolver(env, frame, scope);
  const body = reorderBody(r.body(exprs), {
    outer: () => false,
    head: [],
    names: frame.slotNames,
    loc: exprs[0]?.loc ?? { file: 'query', row: 1, col: 1 },
  });
  const vars: { name: string; slot: number }[] = [];
  for (const [name, slot] of scope.names) if (name !== '_') vars.push({ name, slot });
  return { body, nslots: frame.size, vars };
}
