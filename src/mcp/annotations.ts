/**
 * Annotation presets (hints to clients, not enforcement: core authorizes every call). openWorldHint
 * is true only where the call can reach a cloud provider (a grant or a revoke).
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/** Creates something new; may reach the provider (auto-approval grants at once). */
export const CREATE_REMOTE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

/** Ends something for good (cancel, deny). */
export const END: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: false,
};

/** Ends a live grant at the provider; releasing twice is harmless. */
export const END_REMOTE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
};

/** Changes state without removing anything (escalate). */
export const UPDATE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
