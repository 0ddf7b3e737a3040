/**
 * The start-up hint of `jitsudod serve --dev`: the README's Quickstart, line for line (a test holds
 * them together). It never shows a command that prints credentials (no `exec <id> -- env`).
 */
export function quickstartLines(server: string, mock: boolean): string[] {
  const s = server ? ` --server ${server}` : '';
  const login = (who: string, group: string) => `npx jitsudo login --dev --user ${who} --groups ${group}${s}`;
  if (!mock) return [login('alice@example.com', 'sre'), 'npx jitsudo status'];
  return [
    '# Alice (group sre) asks for admin on the mock provider for 30 minutes.',
    login('alice@example.com', 'sre'),
    'REQ=$(npx jitsudo request --provider mock --role admin --scope sandbox --duration 30m --reason "trying jitsudo" -q)',
    'npx jitsudo status "$REQ"',
    '',
    '# The policy routes it to a human approver (group sre-leads), never the requester: Bob approves.',
    login('bob@example.com', 'sre-leads'),
    'npx jitsudo approve "$REQ" --comment "go ahead"',
    '',
    "# Alice uses the grant: the credentials exist only in the child's environment.",
    login('alice@example.com', 'sre'),
    `npx jitsudo exec "$REQ" -- sh -c 'echo "mock credentials: \${MOCK_ACCESS_KEY:+present}"'`,
    'npx jitsudo revoke "$REQ" --reason "done"',
    'npx jitsudo status "$REQ"',
  ];
}
