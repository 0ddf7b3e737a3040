/**
 * createMcpServer: a fresh McpServer for one caller and one HTTP request (stateless Streamable HTTP
 * forbids reuse), with the tools that caller's rights allow and the behaviour guide in
 * `instructions`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { McpContext } from './context.js';
import { registerTools } from './define.js';
import { TOOLS } from './tools/index.js';

export const MCP_SERVER_NAME = 'jitsudo';

export const INSTRUCTIONS = [
  'jitsudo grants temporary, policy-governed cloud access. As a requester:',
  '1. list_eligible_access — see what you may ask for (role, scope, longest duration, who approves).',
  '2. request_access with a concrete reason (and a ticket or incident reference when there is one).',
  '3. wait_for_request until it is ACTIVE (pass a progressToken for progress on long waits).',
  '4. Run commands with the access through exec_with_access (local `jitsudo mcp`) or `jitsudo exec`; the',
  '   credentials never enter your context, and get_credentials is usually disabled.',
  '5. release_access as soon as you are done; cancel_request what you no longer need.',
  'Denials list the policy reasons and the nearest allowed alternatives: adjust instead of retrying.',
  'As an AI reviewer: list_pending_ai_review, get_request_details, then approve_request, deny_request or',
  'escalate_to_human — always with reasoning; escalate when unsure.',
].join('\n');

/**
 * One validator for every per-request server: the SDK otherwise builds a new Ajv instance for each
 * (half the per-request cost), and it is only used for elicitation, which these tools never do.
 */
const SHARED_VALIDATOR = new AjvJsonSchemaValidator();

/** Builds the server for one request; invariant: only tools the actor holds the right for are listed. */
export function createMcpServer(ctx: McpContext, version: string): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions: INSTRUCTIONS,
      jsonSchemaValidator: SHARED_VALIDATOR,
    },
  );
  registerTools(server, ctx, TOOLS);
  return server;
}
