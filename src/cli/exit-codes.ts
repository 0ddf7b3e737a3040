/** Documented exit codes of `jitsudo` (see src/cli/README.md). `exec`/`shell` return the child's. */
export const EXIT = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  UNAUTHENTICATED: 3,
  FORBIDDEN: 4,
  NOT_FOUND: 5,
  CONFLICT: 6,
  UNAVAILABLE: 7,
  RATE_LIMITED: 8,
  NOT_ACTIVE: 9,
  TIMEOUT: 10,
  AUDIT_BROKEN: 11,
  POLICY_ERROR: 12,
  COMMAND_NOT_FOUND: 127,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
