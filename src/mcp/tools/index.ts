/** Every MCP tool, in the order clients list them: the requester surface, then the AI reviewer's. */
import type { ToolSpec } from '../define.js';
import { cancelRequestTool, releaseAccessTool } from './end-requests.js';
import { extendRequestTool } from './extend-request.js';
import { getCredentialsTool } from './get-credentials.js';
import { listEligibleAccessTool } from './list-eligible-access.js';
import { getRequestTool, listMyRequestsTool } from './read-requests.js';
import { requestAccessTool } from './request-access.js';
import { approveRequestTool, denyRequestTool, escalateToHumanTool } from './review-decide.js';
import { getRequestDetailsTool, listPendingAiReviewTool } from './review-read.js';
import { waitForRequestTool } from './wait-for-request.js';

export const TOOLS: readonly ToolSpec<any, any>[] = [
  listEligibleAccessTool,
  requestAccessTool,
  getRequestTool,
  listMyRequestsTool,
  waitForRequestTool,
  cancelRequestTool,
  releaseAccessTool,
  extendRequestTool,
  getCredentialsTool,
  listPendingAiReviewTool,
  getRequestDetailsTool,
  approveRequestTool,
  denyRequestTool,
  escalateToHumanTool,
];

export const REQUESTER_TOOLS = TOOLS.filter((t) => t.right === 'requester').map((t) => t.name);
export const REVIEWER_TOOLS = TOOLS.filter((t) => t.right === 'ai-reviewer').map((t) => t.name);
