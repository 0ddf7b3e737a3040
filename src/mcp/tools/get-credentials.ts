/**
 * get_credentials: off unless the deployment enables it for the provider and policy allows it for
 * the request. Refused disclosure is not an error: the result explains how to use the access
 * without the secret entering the model's context.
 */
import { z } from 'zod';
import { isAppError } from '../../core/errors.js';
import type { GrantView } from '../../core/requests/get-credentials.js';
import { READ } from '../annotations.js';
import { defineTool } from '../define.js';
import { RequestIdArg } from '../schemas.js';

export const useWithoutSecret = (id: string) =>
  'Credentials are not handed to agents here, so they never enter your context. Run the commands that need ' +
  `the access through exec_with_access (request_id ${id}, argv) on the local \`jitsudo mcp\` server, or ` +
  `\`jitsudo exec ${id} -- <command>\`: the credentials go into that command's environment only and its output ` +
  'comes back with every credential value redacted.';

export const getCredentialsTool = defineTool({
  name: 'get_credentials',
  title: 'Get the credentials of an active grant (usually disabled)',
  right: 'requester',
  description:
    'Returns the credentials of one of your ACTIVE grants only where the operator enabled disclosure for that ' +
    'provider and policy allows it for that request; otherwise returns disclosed=false with how to use the ' +
    'access without seeing the secret (exec_with_access or `jitsudo exec`). Prefer exec_with_access: a secret ' +
    'in your context can leak into logs and transcripts. Returns {request_id, disclosed, how_to_use, ' +
    'credentials?, expires_at?}.',
  input: z.object({ request_id: RequestIdArg }).strict(),
  output: {
    request_id: z.string(),
    disclosed: z.boolean(),
    how_to_use: z.string(),
    credentials: z.record(z.string(), z.string()).optional().describe('environment variable → value'),
    expires_at: z.string().optional(),
  },
  annotations: READ,
  async run(ctx, a) {
    try {
      const g: GrantView = await ctx.verbs.discloseCredentials(ctx.actor, { id: a.request_id });
      return {
        structured: {
          request_id: g.request_id,
          disclosed: true,
          how_to_use:
            'Set these environment variables for the commands that need the access; they stop working at expires_at.',
          credentials: g.credentials,
          expires_at: g.expires_at,
        },
        summary: `Credentials of ${g.request_id}, valid until ${g.expires_at}.`,
      };
    } catch (e) {
      if (!isAppError(e) || e.details?.disclosure !== 'disabled') throw e;
      const how = `${e.message}. ${useWithoutSecret(a.request_id)}`;
      return { structured: { request_id: a.request_id, disclosed: false, how_to_use: how }, summary: how };
    }
  },
});
