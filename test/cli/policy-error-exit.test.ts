/** POLICY_ERROR through the CLI and MCP mappers: its own exit code and an actionable sentence. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/errors.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { ApiError } from '../../src/client/errors.js';
import { AppError } from '../../src/core/errors.js';
import { toolError } from '../../src/mcp/errors.js';

const message =
  'policy data.jitsudo.eligibility could not be evaluated (module b.rego, rule data.jitsudo.eligibility.reason, line 3): eval_conflict_error: complete rules must not produce multiple outputs';

describe('POLICY_ERROR on the CLI and MCP surfaces', () => {
  it('the CLI prints one line and exits with the documented code 12, with the request id', () => {
    const out = describeError(new ApiError('POLICY_ERROR', message, 503, 'rid-1'));
    expect(out.exitCode).toBe(EXIT.POLICY_ERROR);
    expect(EXIT.POLICY_ERROR).toBe(12);
    expect(out.line).toBe(`error: ${message} [request id rid-1]`);
    expect(describeError(new AppError('POLICY_ERROR', message)).exitCode).toBe(12);
  });

  it('an MCP tool result says what broke and that retrying will not help', () => {
    const r = toolError(new AppError('POLICY_ERROR', message), pino({ level: 'silent' }), 'request_access');
    expect(r.isError).toBe(true);
    const [text, json] = r.content as { text: string }[];
    expect(text!.text).toContain('rule data.jitsudo.eligibility.reason');
    expect(text!.text).toContain('retrying will not help until the operator fixes the policy');
    expect(JSON.parse(json!.text)).toMatchObject({ error: { code: 'POLICY_ERROR', message } });
  });
});
