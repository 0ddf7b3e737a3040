#!/usr/bin/env node
// Runs the compiled server CLI in dist/ (ADR 0051). In a checkout, `npm ci` builds it (the
// `prepare` script), and `npm test` / `npm start` rebuild it when src/ is newer.
try {
  await import('../dist/cli/jitsudod/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/cli/jitsudod/main.js')) throw e;
  process.stderr.write('jitsudod: dist/ is missing; in a checkout run `npm run build` first\n');
  process.exitCode = 1;
}
