#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx's ESM loader, then the server CLI entry.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/jitsudod/main.ts');
