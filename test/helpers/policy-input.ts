/** A complete policy input document (as `policies:eval` takes it) with neutral defaults. */
export const policyInput = (
  user: Record<string, unknown>,
  request: Record<string, unknown> = {},
  tier = 0,
) => ({
  user: { email: 'x@example.com', groups: [], kind: 'human', ...user },
  request: {
    provider: 'mock',
    role: 'admin',
    resource_scope: 's',
    duration_seconds: 600,
    reason: 'r',
    break_glass: false,
    metadata: {},
    ...request,
  },
  context: {
    trust_tier: tier,
    time: { rfc3339: '2030-01-01T10:00:00Z', unix_ns: '0', weekday: 'Tuesday', hour_utc: 10 },
  },
});
