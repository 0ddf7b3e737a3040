/**
 * What one MCP request's tools work with: the authenticated caller, the core verbs (the same ones
 * the HTTP API calls, bound by createCore) and the waiting knobs of wait_for_request.
 */
import type { Logger } from 'pino';
import type { Actor } from '../core/actor.js';
import type { CallLimiter } from './limits.js';

export type Verb = (actor: Actor, input: any) => Promise<any>;

export const MCP_VERB_NAMES = [
  'listEligibleAccess',
  'createRequest',
  'getRequest',
  'listRequests',
  'cancelRequest',
  'revokeRequest',
  'extendRequest',
  'discloseCredentials',
  'approveRequest',
  'denyRequest',
  'escalateRequest',
] as const;
export type McpVerbName = (typeof MCP_VERB_NAMES)[number];
export type McpVerbs = Record<McpVerbName, Verb>;

export interface WaitOptions {
  /** How often wait_for_request re-reads the request. */
  pollMs: number;
  /** How often it sends a progress notification (when the caller asked for progress). */
  progressEveryMs: number;
  /** The longest wait a caller may ask for. */
  maxSeconds: number;
}

export const DEFAULT_WAIT: WaitOptions = { pollMs: 1000, progressEveryMs: 5000, maxSeconds: 300 };

export interface McpContext {
  actor: Actor;
  verbs: McpVerbs;
  log: Logger;
  wait: WaitOptions;
  /** The app's per-principal caps on calls in flight, shared by every request's server. */
  limiter: CallLimiter;
  /** Aborted when the HTTP client goes away; long waits stop early. */
  signal?: AbortSignal;
  /** Told how long each tool call took and whether it failed (metrics; labels: the tool name only). */
  observeTool?: (tool: string, seconds: number, ok: boolean) => void;
}
