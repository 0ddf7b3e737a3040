/**
 * tools/list with JSON Schemas converted once. The SDK turns every tool's zod schemas into JSON
 * Schema on each listing (~3 ms for our tools), and stateless Streamable HTTP builds a new server
 * for every request, so every listing paid for it again. The schemas depend only on the spec, so
 * each spec is converted once per process; everything else comes from the tool as registered.
 */
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { normalizeObjectSchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolSpec } from './define.js';

interface Schemas {
  input: Tool['inputSchema'];
  output?: Tool['outputSchema'];
}

const EMPTY_OBJECT: Tool['inputSchema'] = { type: 'object', properties: {} };
const converted = new WeakMap<ToolSpec<any, any>, Schemas>();

/** A spec's input and output JSON Schemas, made by the SDK's own converter with its listing options. */
function schemasOf(spec: ToolSpec<any, any>): Schemas {
  let s = converted.get(spec);
  if (s) return s;
  const input = normalizeObjectSchema(spec.input);
  const output = normalizeObjectSchema(spec.output);
  s = {
    input: input
      ? (toJsonSchemaCompat(input, { strictUnions: true, pipeStrategy: 'input' }) as Tool['inputSchema'])
      : EMPTY_OBJECT,
    ...(output
      ? {
          output: toJsonSchemaCompat(output, {
            strictUnions: true,
            pipeStrategy: 'output',
          }) as Tool['outputSchema'],
        }
      : {}),
  };
  converted.set(spec, s);
  return s;
}

/**
 * Replaces the SDK's tools/list handler on `server`; invariant: the listing is the one the SDK
 * would give for `tools` (same fields, same order), only without converting the schemas again.
 */
export function listToolsFromCache(
  server: McpServer,
  tools: readonly { spec: ToolSpec<any, any>; registered: RegisteredTool }[],
): void {
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools
      .filter((t) => t.registered.enabled)
      .map(({ spec, registered: r }): Tool => {
        const s = schemasOf(spec);
        return {
          name: spec.name,
          title: r.title,
          description: r.description,
          inputSchema: s.input,
          annotations: r.annotations,
          execution: r.execution,
          _meta: r._meta,
          ...(s.output ? { outputSchema: s.output } : {}),
        };
      }),
  }));
}
