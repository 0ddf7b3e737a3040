/**
 * Renders a Helm chart directory the way `helm template` does, with the Go-template subset of
 * go-template.ts: values.yaml coalesced with override values (maps merge, lists replace, null
 * deletes a default), `.Release` / `.Chart` / `.Template`, every file under templates/ registered
 * by its path so `include` can name it, `_` files rendering nothing, and the output split into
 * YAML documents.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { TemplateSet } from './go-template.js';

type Values = Record<string, unknown>;

/** Kubernetes and helm read YAML 1.1 (go-yaml): `on`/`yes` are booleans, `0440` is octal. */
const YAML_1_1 = { version: '1.1' } as const;

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Helm's coalescing of user values over the chart's defaults. */
export function coalesce(defaults: Values, over: Values): Values {
  const out: Values = structuredClone(defaults);
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(out[k] as Values, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

export interface RenderedObject {
  file: string;
  obj: Record<string, any>;
}

export interface LoadedChart {
  name: string;
  defaults: Values;
  /** Renders every template; throws with the file name on a template error or bad YAML. */
  render(values?: Values, release?: { name?: string; namespace?: string }): RenderedObject[];
}

export function loadChart(dir: string): LoadedChart {
  const meta = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  const defaults = (parse(readFileSync(join(dir, 'values.yaml'), 'utf8'), YAML_1_1) ?? {}) as Values;
  const set = new TemplateSet();
  const files = readdirSync(join(dir, 'templates'))
    .filter((f) => /\.(ya?ml|tpl)$/.test(f))
    .sort();
  for (const f of files)
    set.add(`${meta.name}/templates/${f}`, readFileSync(join(dir, 'templates', f), 'utf8'));
  return {
    name: meta.name!,
    defaults,
    render(values = {}, release = {}) {
      const data = {
        Values: coalesce(defaults, values),
        Release: {
          Name: release.name ?? 'jitsudo',
          Namespace: release.namespace ?? 'jitsudo',
          Service: 'Helm',
          IsInstall: true,
          IsUpgrade: false,
          Revision: 1,
        },
        Chart: { Name: meta.name, Version: meta.version, AppVersion: meta.appVersion },
        Template: { BasePath: `${meta.name}/templates` },
      };
      const out: RenderedObject[] = [];
      for (const f of files.filter((x) => !basename(x).startsWith('_'))) {
        const file = `${meta.name}/templates/${f}`;
        const text = set.render(file, data);
        for (const doc of parseAllDocuments(text, YAML_1_1)) {
          if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}\n${text}`);
          const obj = doc.toJS({ maxAliasCount: 0 });
          if (obj != null) out.push({ file, obj });
        }
      }
      return out;
    },
  };
}
