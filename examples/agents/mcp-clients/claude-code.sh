#!/bin/sh
# Claude Code: register jitsudo for the current project (stdio, with exec_with_access) …
claude mcp add jitsudo --env JITSUDO_TOKEN="$JITSUDO_TOKEN" -- jitsudo mcp --server https://jitsudo.example.com
# … or the remote endpoint only (no exec_with_access):
claude mcp add --transport http jitsudo-remote https://jitsudo.example.com/mcp \
  --header "Authorization: Bearer $JITSUDO_TOKEN"
