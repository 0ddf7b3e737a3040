#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx's ESM loader, then the CLI entry.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
