/**
 * A Go text/template renderer for the subset the Helm chart in deploy/helm uses (ADR 0054): no
 * helm binary can be installed here, so the chart test renders with this. It follows Go's rules
 * where a chart could come to depend on them — trim markers, truthiness, a field of nil is an error,
 * maps range in key order, `and`/`or` short-circuit, eq refuses mixed types — and throws on any
 * syntax or function outside the subset, so a template that helm would render differently fails
 * the test instead of passing it. Template functions live in go-template-funcs.ts.
 */
import { FUNCS, isTrue, printValue, type Renderer } from './go-template-funcs.js';

type Operand =
  | { t: 'lit'; v: unknown }
  | { t: 'field'; base: 'dot' | string; path: string[] }
  | { t: 'fn'; name: string }
  | { t: 'pipe'; pipe: Pipeline };
interface Pipeline {
  decl?: string[];
  assign?: boolean;
  cmds: Operand[][];
}
type Node =
  | { k: 'text'; s: string }
  | { k: 'action'; pipe: Pipeline }
  | { k: 'if'; branches: { pipe: Pipeline; body: Node[] }[]; else?: Node[] }
  | { k: 'with'; pipe: Pipeline; body: Node[]; else?: Node[] }
  | { k: 'range'; pipe: Pipeline; body: Node[]; else?: Node[] };

/** Splits `src` into text and action strings, applying `{{-` / `-}}` trimming. */
function lex(src: string, file: string): ({ text: string } | { action: string; at: number })[] {
  const out: ({ text: string } | { action: string; at: number })[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      out.push({ text });
      break;
    }
    let j = open + 2;
    const trimLeft = src.startsWith('- ', j) || src.startsWith('-\n', j);
    if (trimLeft) {
      text = text.replace(/\s+$/, '');
      j += 1;
    }
    out.push({ text });
    const lead = /^\s*/.exec(src.slice(j))![0].length;
    if (src.startsWith('/*', j + lead)) {
      // A comment: `{{/* … */}}`, with optional trim markers; it may hold any character.
      const close = src.indexOf('*/', j + lead + 2);
      const end = close < 0 ? -1 : src.slice(close + 2).search(/\S/);
      const tail = end < 0 ? '' : src.slice(close + 2 + end);
      if (close < 0 || !(tail.startsWith('}}') || tail.startsWith('-}}')))
        throw new Error(`${file}: bad comment at offset ${open}`);
      trimNext = tail.startsWith('-}}');
      i = close + 2 + end + (trimNext ? 3 : 2);
      continue;
    }
    let quote = '';
    let k = j;
    for (; k < src.length; k++) {
      const c = src[k]!;
      if (quote) {
        if (c === '\\' && quote === '"') k++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === '`') quote = c;
      else if (src.startsWith('}}', k)) break;
    }
    if (k >= src.length) throw new Error(`${file}: unclosed action at offset ${open}`);
    let body = src.slice(j, k);
    trimNext = /\s-$/.test(body);
    if (trimNext) body = body.slice(0, -1);
    out.push({ action: body.trim(), at: open });
    i = k + 2;
  }
  return out;
}

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)\b|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*|\.)|(:=|=|\||\(|\)|,)|([A-Za-z_][A-Za-z0-9_]*))/y;

function tokenize(s: string): string[] {
  const toks: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < s.length) {
    if (/^\s*$/.test(s.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(s);
    if (!m || m.index !== at) throw new Error(`cannot parse action "${s}" at "${s.slice(at)}"`);
    toks.push(m.slice(1).find((g) => g !== undefined)!);
  }
  return toks;
}

function parsePipeline(toks: string[], pos: { i: number }, src: string): Pipeline {
  const pipe: Pipeline = { cmds: [] };
  const declEnd = toks.findIndex((t, n) => n >= pos.i && (t === ':=' || t === '='));
  if (declEnd > 0 && toks.slice(pos.i, declEnd).every((t) => t.startsWith('$') || t === ',')) {
    pipe.decl = toks.slice(pos.i, declEnd).filter((t) => t !== ',');
    pipe.assign = toks[declEnd] === '=';
    pos.i = declEnd + 1;
  }
  let cmd: Operand[] = [];
  for (; pos.i < toks.length; pos.i++) {
    const t = toks[pos.i]!;
    if (t === ')') break;
    if (t === '|') {
      pipe.cmds.push(cmd);
      cmd = [];
    } else if (t === '(') {
      pos.i++;
      cmd.push({ t: 'pipe', pipe: parsePipeline(toks, pos, src) });
      if (toks[pos.i] !== ')') throw new Error(`unclosed ( in "${src}"`);
    } else cmd.push(operand(t, src));
  }
  pipe.cmds.push(cmd);
  if (pipe.cmds.some((c) => c.length === 0)) throw new Error(`empty command in "${src}"`);
  return pipe;
}

function operand(t: string, src: string): Operand {
  if (t.startsWith('"')) return { t: 'lit', v: JSON.parse(t) };
  if (t.startsWith('`')) return { t: 'lit', v: t.slice(1, -1) };
  if (/^-?\d/.test(t)) return { t: 'lit', v: Number(t) };
  if (t === 'true' || t === 'false') return { t: 'lit', v: t === 'true' };
  if (t === 'nil') return { t: 'lit', v: null };
  if (t === '.') return { t: 'field', base: 'dot', path: [] };
  if (t.startsWith('.')) return { t: 'field', base: 'dot', path: t.slice(1).split('.') };
  if (t.startsWith('$')) {
    const [name, ...path] = t.split('.');
    return { t: 'field', base: name!, path };
  }
  if (t in FUNCS || t === 'include' || t === 'and' || t === 'or') return { t: 'fn', name: t };
  throw new Error(`function "${t}" not defined (in "${src}"): outside the renderer's subset`);
}

const KEYWORD = /^(if|else if|else|end|with|range|define)\b\s*/;

/** Parses a template file into nodes; `define` blocks go into `defines`. */
function parse(src: string, file: string, defines: Map<string, Node[]>): Node[] {
  const items = lex(src, file);
  const root: Node[] = [];
  type Frame = { node: Node | { k: 'define'; name: string }; body: Node[] };
  const stack: Frame[] = [];
  let body = root;
  const pipeOf = (s: string) => {
    const toks = tokenize(s);
    const pos = { i: 0 };
    const p = parsePipeline(toks, pos, s);
    if (pos.i < toks.length) throw new Error(`${file}: unexpected ) in "${s}"`);
    return p;
  };
  for (const it of items) {
    if ('text' in it) {
      if (it.text) body.push({ k: 'text', s: it.text });
      continue;
    }
    const m = KEYWORD.exec(it.action);
    const kw = m?.[1];
    const rest = m ? it.action.slice(m[0].length) : it.action;
    if (kw === 'if' || kw === 'with' || kw === 'range') {
      const inner: Node[] = [];
      const node: Node =
        kw === 'if'
          ? { k: 'if', branches: [{ pipe: pipeOf(rest), body: inner }] }
          : { k: kw, pipe: pipeOf(rest), body: inner };
      body.push(node);
      body = inner;
      stack.push({ node, body });
    } else if (kw === 'define') {
      const name = JSON.parse(rest) as string;
      body = [];
      stack.push({ node: { k: 'define', name }, body });
    } else if (kw === 'else' || kw === 'else if') {
      const top = stack.at(-1)?.node;
      if (!top || top.k === 'define' || top.k === 'text' || top.k === 'action')
        throw new Error(`${file}: {{else}} outside if/with/range`);
      if (kw === 'else if') {
        if (top.k !== 'if' || top.else) throw new Error(`${file}: {{else if}} only in if`);
        const branch = { pipe: pipeOf(rest), body: [] as Node[] };
        top.branches.push(branch);
        body = branch.body;
      } else {
        top.else = [];
        body = top.else;
      }
      stack.at(-1)!.body = body;
    } else if (kw === 'end') {
      const top = stack.pop();
      if (!top) throw new Error(`${file}: {{end}} without a block`);
      if (top.node.k === 'define') defines.set(top.node.name, top.body);
      const parent = stack.at(-1);
      body = parent ? parent.body : root;
    } else body.push({ k: 'action', pipe: pipeOf(it.action) });
  }
  if (stack.length) throw new Error(`${file}: missing {{end}}`);
  return root;
}

type Scope = Map<string, unknown>[];

class Engine implements Renderer {
  readonly defines = new Map<string, Node[]>();

  include(name: string, dot: unknown): string {
    const body = this.defines.get(name);
    if (!body) throw new Error(`include: no template "${name}"`);
    return this.exec(body, dot, [new Map([['$', dot]])]);
  }

  exec(nodes: Node[], dot: unknown, scope: Scope): string {
    let out = '';
    for (const n of nodes) {
      if (n.k === 'text') out += n.s;
      else if (n.k === 'action') {
        const v = this.pipe(n.pipe, dot, scope);
        if (!n.pipe.decl) out += printValue(v);
      } else if (n.k === 'if') {
        const hit = n.branches.find((b) => isTrue(this.pipe(b.pipe, dot, scope)));
        const body = hit ? hit.body : n.else;
        if (body) out += this.exec(body, dot, [...scope, new Map()]);
      } else if (n.k === 'with') {
        const v = this.pipe(n.pipe, dot, scope);
        if (isTrue(v)) out += this.exec(n.body, v, [...scope, new Map()]);
        else if (n.else) out += this.exec(n.else, dot, [...scope, new Map()]);
      } else out += this.range(n, dot, scope);
    }
    return out;
  }

  private range(n: Extract<Node, { k: 'range' }>, dot: unknown, scope: Scope): string {
    const { decl, cmds } = n.pipe;
    const v = this.pipe({ cmds }, dot, scope);
    let entries: [unknown, unknown][];
    if (v == null) entries = [];
    else if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (typeof v === 'object')
      entries = Object.keys(v)
        .sort()
        .map((k) => [k, (v as any)[k]]);
    else throw new Error(`range can't iterate over ${printValue(v)}`);
    if (!entries.length) return n.else ? this.exec(n.else, dot, [...scope, new Map()]) : '';
    let out = '';
    for (const [key, val] of entries) {
      const vars = new Map<string, unknown>();
      if (decl?.length === 1) vars.set(decl[0]!, val);
      if (decl?.length === 2) vars.set(decl[0]!, key).set(decl[1]!, val);
      out += this.exec(n.body, val, [...scope, vars]);
    }
    return out;
  }

  private pipe(p: Pipeline, dot: unknown, scope: Scope): unknown {
    let v: unknown;
    p.cmds.forEach((cmd, i) => {
      v = this.command(cmd, dot, scope, i === 0 ? [] : [v]);
    });
    if (p.decl) {
      const name = p.decl[0]!;
      const target = p.assign ? scope.findLast((s) => s.has(name)) : scope.at(-1);
      if (!target) throw new Error(`undefined variable ${name}`);
      target.set(name, v);
    }
    return v;
  }

  private command(cmd: Operand[], dot: unknown, scope: Scope, piped: unknown[]): unknown {
    const head = cmd[0]!;
    const rest = cmd.slice(1);
    if (head.t !== 'fn') {
      if (rest.length || piped.length) throw new Error("can't give an argument to a non-function");
      return this.operand(head, dot, scope);
    }
    const arg = (o: Operand) => this.operand(o, dot, scope);
    if (head.name === 'and' || head.name === 'or') {
      const thunks = [...rest.map((o) => () => arg(o)), ...piped.map((x) => () => x)];
      let last: unknown;
      for (const t of thunks) {
        last = t();
        if (isTrue(last) !== (head.name === 'and')) return last;
      }
      return last;
    }
    const args = [...rest.map(arg), ...piped];
    if (head.name === 'include') return this.include(args[0] as string, args[1]);
    return FUNCS[head.name]!(args, this);
  }

  private operand(o: Operand, dot: unknown, scope: Scope): unknown {
    if (o.t === 'lit') return o.v;
    if (o.t === 'pipe') return this.pipe(o.pipe, dot, scope);
    if (o.t === 'fn') return this.command([o], dot, scope, []);
    let cur: unknown;
    if (o.base === 'dot') cur = dot;
    else {
      const s = scope.findLast((m) => m.has(o.base));
      if (!s) throw new Error(`undefined variable ${o.base}`);
      cur = s.get(o.base);
    }
    for (const key of o.path) {
      if (cur == null) throw new Error(`nil pointer evaluating interface {}.${key}`);
      if (typeof cur !== 'object' || Array.isArray(cur))
        throw new Error(`can't evaluate field ${key} in type ${Array.isArray(cur) ? 'slice' : typeof cur}`);
      cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
  }
}

/** A set of template files rendered against one data object, as helm renders a chart. */
export class TemplateSet {
  private readonly engine = new Engine();
  private readonly files = new Map<string, Node[]>();

  /** Parses a file; its `define`s become available to every file of the set. */
  add(name: string, src: string): void {
    this.files.set(name, parse(src, name, this.engine.defines));
    this.engine.defines.set(name, this.files.get(name)!);
  }

  render(name: string, data: unknown): string {
    const nodes = this.files.get(name);
    if (!nodes) throw new Error(`no template file ${name}`);
    try {
      return this.engine.exec(nodes, data, [new Map([['$', data]])]);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
}
