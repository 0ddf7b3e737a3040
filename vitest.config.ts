import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLIs run compiled code (bin/ → dist/, ADR 0051): rebuild dist/ first when src/ is newer.
    globalSetup: ['test/setup/build-dist.ts'],
    pool: 'forks',
    // PGlite instances are ~360 MB each and these machines have 2 cores.
    maxWorkers: 2,
    // Generous but bounded: a CLI call takes seconds when the two cores are busy, and a PGlite
    // set-up takes tens of seconds under load. A hang still fails.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // CI only (.ci/run sets it): transformed modules cached on disk under node_modules/, which
    // `npm ci` wipes, so the Node 24 run reuses the Node 20 run's transforms. Isolation unchanged.
    experimental: { fsModuleCache: process.env.JITSUDO_CI_VITEST_FS_CACHE === '1' },
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      NO_COLOR: '1',
    },
  },
});
