#!/usr/bin/env bash
# External conformance check of jitsudo's MCP endpoints with clients that are not ours:
#   1. the official MCP Inspector CLI (@modelcontextprotocol/inspector-cli, a devDependency) against
#      the remote Streamable HTTP endpoint <server>/mcp with a bearer header, and against the stdio
#      server `jitsudo mcp`;
#   2. raw JSON-RPC over curl, following the spec by hand (no SDK at all): initialize, tools/list,
#      tools/call, and 401 + WWW-Authenticate without a token.
# It starts a throw-away jitsudod (dev identity, mock provider, PGlite in a temp dir) on a free port
# and stops it at the end. Usage: scripts/mcp-inspector-check.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# inspector-cli 1.0.3 decides where its package.json is with existsSync("../package.json") relative to
# the *working directory* but imports it relative to its own file: run it one level below a
# directory that has a package.json (here scripts/), or it fails with "Cannot find module".
inspector() { (cd "$root/scripts" && node "$root/node_modules/@modelcontextprotocol/inspector-cli/build/cli.js" --cli "$@"); }
home=$(mktemp -d -t jitsudo-inspector-XXXXXX)
log="$home/jitsudod.log"
env -u JITSUDO_TOKEN -u JITSUDO_SERVER JITSUDO_HOME="$home" JITSUDOD_LOG_LEVEL=warn \
  node bin/jitsudod.js serve --dev --addr 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 1 300); do
  url=$(grep -o 'jitsudod listening on http://[^ ]*' "$log" | awk '{print $4}' || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "jitsudod did not start"; cat "$log"; exit 1; }
api="$url/api/v1alpha1"
section() { printf '\n===== %s =====\n' "$*"; }

human=$(curl -sf -X POST "$api/auth/dev-token" -H 'content-type: application/json' \
  -d '{"email":"alice@example.com","groups":["sre"]}' | jq -r .token)
agent=$(curl -sf -X POST "$api/agents" -H "authorization: Bearer $human" -H 'content-type: application/json' \
  -d '{"name":"inspector-bot"}' | jq -r .token)
echo "jitsudod at $url; agent token minted (${agent:0:8}…)"

section "inspector: tools/list on $url/mcp (agent token, HTTP)"
inspector "$url/mcp" --transport http --header "Authorization: Bearer $agent" --method tools/list 2>/dev/null |
  jq -r '.tools[] | "\(.name)\treadOnly=\(.annotations.readOnlyHint) destructive=\(.annotations.destructiveHint) idempotent=\(.annotations.idempotentHint) openWorld=\(.annotations.openWorldHint) output=\(.outputSchema != null)"'

section "inspector: tools/call list_eligible_access"
inspector "$url/mcp" --transport http --header "Authorization: Bearer $agent" \
  --method tools/call --tool-name list_eligible_access 2>/dev/null | jq -c '{isError, structuredContent}'

section "inspector: tools/call request_access (read-only role, mock provider)"
out=$(inspector "$url/mcp" --transport http --header "Authorization: Bearer $agent" \
  --method tools/call --tool-name request_access \
  --tool-arg provider=mock role=viewer scope=sandbox duration=15m 'reason=inspector conformance check' 2>/dev/null)
echo "$out" | jq -c '{isError, request: .structuredContent.request | {id, state, approver_tier, requester}, next_step: .structuredContent.next_step}'
req=$(echo "$out" | jq -r .structuredContent.request.id)

section "inspector: tools/call get_request $req; then request_access with fields missing"
inspector "$url/mcp" --transport http --header "Authorization: Bearer $agent" \
  --method tools/call --tool-name get_request --tool-arg "request_id=$req" 2>/dev/null | jq -c '{isError, state: .structuredContent.request.state}'
inspector "$url/mcp" --transport http --header "Authorization: Bearer $agent" \
  --method tools/call --tool-name request_access --tool-arg provider=mock 2>/dev/null | jq -c '{isError, text: .content[0].text[0:200]}'

section "inspector: stdio \`jitsudo mcp\` (same tool set + exec_with_access)"
inspector -e "JITSUDO_TOKEN=$agent" -e "JITSUDO_SERVER=$url" -e "JITSUDO_HOME=$home/cli" \
  node "$root/bin/jitsudo.js" mcp --method tools/list 2>/dev/null | jq -r '[.tools[].name] | join(", ")'

section "a human (bob) approves $req over HTTP; inspector: stdio exec_with_access printing the credentials"
bob=$(curl -sf -X POST "$api/auth/dev-token" -H 'content-type: application/json' \
  -d '{"email":"bob@example.com","groups":["sre"]}' | jq -r .token)
curl -sf -X POST "$api/requests/$req/approve" -H "authorization: Bearer $bob" -H 'content-type: application/json' \
  -d '{"comment":"inspector check"}' | jq -c '.request | {id, state}'
inspector -e "JITSUDO_TOKEN=$agent" -e "JITSUDO_SERVER=$url" -e "JITSUDO_HOME=$home/cli" \
  node "$root/bin/jitsudo.js" mcp --method tools/call --tool-name exec_with_access \
  --tool-arg "request_id=$req" 'argv=["sh","-c","echo key=$MOCK_ACCESS_KEY; printf %s \"$MOCK_SESSION_TOKEN\" | base64; exit 3"]' 2>/dev/null |
  jq -c '{isError, structuredContent: (.structuredContent // .content[0].text)}'

section "inspector: tools/list for an agent with the ai-reviewer right (minted by an admin)"
admin=$(curl -sf -X POST "$api/auth/dev-token" -H 'content-type: application/json' \
  -d '{"email":"root@example.com","groups":["jitsudo-admins"]}' | jq -r .token)
reviewer=$(curl -sf -X POST "$api/agents" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"name":"inspector-reviewer","owner":"security@example.com","scopes":["ai-reviewer"]}' | jq -r .token)
inspector "$url/mcp" --transport http --header "Authorization: Bearer $reviewer" --method tools/list 2>/dev/null |
  jq -r '[.tools[].name] | join(", ")'
inspector "$url/mcp" --transport http --header "Authorization: Bearer $reviewer" \
  --method tools/call --tool-name list_pending_ai_review 2>/dev/null | jq -c '{isError, structuredContent}'

section "raw JSON-RPC over curl (no SDK): 401 without a token"
curl -s -o /dev/null -D - -X POST "$url/mcp" -H 'content-type: application/json' \
  -H 'accept: application/json, text/event-stream' \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}' |
  grep -iE '^(HTTP/|www-authenticate)' | tr -d '\r'

rpc() {
  curl -s -X POST "$url/mcp" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
    -H 'mcp-protocol-version: 2025-06-18' -H "authorization: Bearer $agent" -d "$1"
}
section "raw JSON-RPC: initialize"
rpc '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"0"}}}' |
  jq -c '.result | {protocolVersion, serverInfo, capabilities}'
section "raw JSON-RPC: tools/list (names)"
rpc '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' | jq -c '[.result.tools[].name]'
section "raw JSON-RPC: tools/call release_access $req"
rpc "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"release_access\",\"arguments\":{\"request_id\":\"$req\"}}}" |
  jq -c '.result | {isError, state: .structuredContent.request.state, text: (if .isError then .content[0].text else null end)}'
section "raw JSON-RPC: unknown tool, wrong type"
rpc '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}' | jq -c '.error // .result'
rpc '{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"get_request","arguments":{"request_id":42}}}' | jq -c '.error // {isError: .result.isError, text: .result.content[0].text[0:160]}'
section "done"
