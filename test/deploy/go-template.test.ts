/**
 * The chart test's Go-template renderer (test/helpers/go-template.ts) behaves as Go's text/template
 * and helm do on the points a chart could come to rely on; anything outside its subset throws.
 */
import { describe, expect, it } from 'vitest';
import { TemplateSet } from '../helpers/go-template.js';
import { coalesce } from '../helpers/helm-chart.js';

function render(src: string, data: unknown = {}, defs = ''): string {
  const set = new TemplateSet();
  if (defs) set.add('_defs.tpl', defs);
  set.add('t.yaml', src);
  return set.render('t.yaml', data);
}

describe('go-template renderer', () => {
  it('trims whitespace at {{- and -}} only, and drops comments', () => {
    expect(render('a  \n  {{- "b" -}}  \n  c')).toBe('abc');
    expect(render('a {{ "b" }} c')).toBe('a b c');
    expect(render('x\n{{- /* a "quoted" } comment */}}\ny')).toBe('x\ny');
    expect(render('x {{/* no trim */}} y')).toBe('x  y');
  });

  it('uses Go truth: empty string, list, map, 0 and nil are false', () => {
    const t = '{{ if .v }}T{{ else }}F{{ end }}';
    for (const v of ['', [], {}, 0, null, false]) expect(render(t, { v })).toBe('F');
    for (const v of ['x', [0], { a: 1 }, 1, true]) expect(render(t, { v })).toBe('T');
    expect(render('{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}', { b: 1 })).toBe('B');
  });

  it('ranges over a map in key order with $k, $v, over a list with the element as dot, else on empty', () => {
    expect(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: 2, a: 1 } })).toBe(
      'a=1;b=2;',
    );
    expect(render('{{ range .l }}[{{ .n }}]{{ end }}', { l: [{ n: 1 }, { n: 2 }] })).toBe('[1][2]');
    expect(render('{{ range .l }}x{{ else }}none{{ end }}', { l: [] })).toBe('none');
    expect(render('{{ range .l }}{{ $.top }}{{ end }}', { l: [1, 2], top: 'T' })).toBe('TT');
  });

  it('a field of nil is an error, a missing key prints empty (helm)', () => {
    expect(render('[{{ .a.missing }}]', { a: {} })).toBe('[]');
    expect(() => render('{{ .a.b.c }}', { a: {} })).toThrow(/nil pointer evaluating interface \{\}\.c/);
  });

  it('with rebinds dot, variables are scoped to their block', () => {
    expect(render('{{ with .a }}{{ .b }}{{ end }}', { a: { b: 'x' } })).toBe('x');
    expect(render('{{ $x := "o" }}{{ if true }}{{ $x = "i" }}{{ end }}{{ $x }}')).toBe('i');
    expect(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}')).toThrow(/undefined variable \$y/);
  });

  it('and/or short-circuit and return an operand; eq refuses mixed types', () => {
    expect(render('{{ or .a "d" }}', { a: '' })).toBe('d');
    expect(render('{{ and .a .a.b }}', { a: null })).toBe('');
    expect(render('{{ eq .a "x" "y" }}', { a: 'y' })).toBe('true');
    expect(() => render('{{ eq .a "1" }}', { a: 1 })).toThrow(/incompatible types/);
  });

  it('include, pipelines and the Sprig/Helm functions of the subset', () => {
    const defs = '{{- define "lbl" -}}\nk: {{ .v | quote }}\nn: {{ .n }}\n{{- end -}}';
    expect(render('m:\n  {{- include "lbl" . | nindent 2 }}', { v: 'a"b', n: 3 }, defs)).toBe(
      'm:\n  k: "a\\"b"\n  n: 3',
    );
    expect(render('{{ toYaml .m | indent 2 }}', { m: { b: [1], a: 'x' } })).toBe('  a: x\n  b:\n    - 1');
    expect(render('{{ default "d" .v }}|{{ .w | default "d" }}', { v: 0, w: 'w' })).toBe('d|w');
    expect(render('{{ printf "%s-%v" "a" .n | upper }}', { n: 1 })).toBe('A-1');
    expect(render('{{ printf "%s-%v" "a" .n | trunc 2 | trimSuffix "-" }}', { n: 1 })).toBe('a');
    expect(() => render('{{ required "need x" .x }}', {})).toThrow(/need x/);
    expect(render('{{ required "need x" .x | toYaml }}', { x: [] })).toBe('[]');
    expect(() => render('{{ fail "stop here" }}')).toThrow(/stop here/);
    expect(() => render('{{ printf "%d" .n }}', { n: 1 })).toThrow(/use %v/);
  });

  it('refuses what is outside the subset instead of guessing', () => {
    expect(() => render('{{ tpl .x . }}')).toThrow(/function "tpl" not defined/);
    expect(() => render('{{ if .a }}x')).toThrow(/missing \{\{end\}\}/);
    expect(() => render('{{ .m }}', { m: { a: 1 } })).toThrow(/printing a map/);
    expect(() => render('{{ include "nope" . }}')).toThrow(/no template "nope"/);
  });

  it('coalesces values as helm does: maps merge, lists replace, null deletes', () => {
    const d = { a: { x: 1, y: 2 }, l: [1, 2], z: 'keep' };
    expect(coalesce(d, { a: { y: 3 }, l: [9], z: null })).toEqual({ a: { x: 1, y: 3 }, l: [9] });
    expect(d.a.y).toBe(2);
  });
});
