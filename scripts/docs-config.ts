// Writes docs/configuration.md from the config schema (npm run docs:config).
import { writeFileSync } from 'node:fs';
import { configurationMarkdown } from '../src/core/config-docs.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
console.log('wrote docs/configuration.md');
