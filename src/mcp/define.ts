/**
 * Tools as data: each declares its name, the right it needs (`requester` or `ai-reviewer`), zod
 * input and output schemas, annotations and a `run` that calls core. `registerTools` hides tools the
 * caller lacks the right for and routes every failure through the one error mapper.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { McpContext } from './context.js';
import { toolError } from './errors.js';
import { listToolsFromCache } from './list-tools.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;
export type ToolRight = 'requester' | 'ai-reviewer';

export interface ToolOk<T> {
  structured: T;
  /** A one-line summary for clients that only show text; the structured JSON follows it. */
  summary: string;
}

export interface ToolSpec<I extends z.ZodObject = z.ZodObject, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  /** For a model: what it does, when to use it, what comes back. */
  description: string;
  right: ToolRight;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** Holds the caller for a long time (wait_for_request): counts against the concurrent-wait cap too. */
  waits?: true;
  /** Returns the structured result; the SDK checks it against `output` before it leaves. */
  run(ctx: McpContext, args: z.output<I>, extra: ToolExtra): Promise<ToolOk<object>>;
}

/** Identity function that keeps the spec's types (for inference at the definition site). */
export const defineTool = <I extends z.ZodObject, O extends z.ZodRawShape>(
  spec: ToolSpec<I, O>,
): ToolSpec<I, O> => spec;

/** Whether the caller holds the right a tool needs. */
export const mayUse = (ctx: McpContext, right: ToolRight): boolean => ctx.actor.scopes.includes(right);

/** Registers the tools the caller may use; the others are not listed at all. */
export function registerTools(
  server: McpServer,
  ctx: McpContext,
  specs: readonly ToolSpec<any, any>[],
): void {
  const registered = [];
  for (const spec of specs) {
    if (!mayUse(ctx, spec.right)) continue;
    const tool = server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        outputSchema: spec.output,
        annotations: { title: spec.title, ...spec.annotations },
      },
      async (args: unknown, extra: ToolExtra) => {
        let release: (() => void) | undefined;
        const started = performance.now();
        let ok = false;
        try {
          release = ctx.limiter.acquire(ctx.actor.identity, spec.waits === true);
          const r = await spec.run(ctx, args, extra);
          ok = true;
          return {
            content: [{ type: 'text' as const, text: `${r.summary}\n${JSON.stringify(r.structured)}` }],
            structuredContent: r.structured as Record<string, unknown>,
          };
        } catch (e) {
          return toolError(e, ctx.log, spec.name);
        } finally {
          release?.();
          ctx.observeTool?.(spec.name, (performance.now() - started) / 1000, ok);
        }
      },
    );
    registered.push({ spec, registered: tool });
  }
  // After registering: the SDK installs its own tools/list handler with the first tool; this replaces it.
  if (registered.length > 0) listToolsFromCache(server, registered);
}
