/**
 * docs/configuration.md is generated from the config schema (`npm run docs:config`): this fails when
 * the file is stale, and checks that the generator sees every key, its env variable and describe().
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationMarkdown } from '../../src/core/config-docs.js';
import { ENV_KEYS } from '../../src/core/config-env.js';

describe('docs/configuration.md', () => {
  const md = configurationMarkdown();

  it('is up to date (run `npm run docs:config` after changing src/core/config.ts)', () => {
    const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(md);
  });

  it('lists every environment variable next to its key', () => {
    for (const [name, spec] of Object.entries(ENV_KEYS)) {
      const row = md.split('\n').find((l) => l.startsWith(`| \`${spec.path.join('.')}\` |`));
      expect(row, name).toBeDefined();
      expect(row, name).toContain(`\`${name}\``);
    }
  });

  it('shows type, default and description', () => {
    expect(md).toMatch(
      /^\| `http\.shutdown_timeout_seconds` \| integer \(≥ 0, ≤ 600\) \| `10` \| `JITSUDOD_SHUTDOWN_TIMEOUT_SECONDS` \| On SIGTERM: .+ \|$/m,
    );
    expect(md).toMatch(
      /^\| `metrics\.enabled` \| boolean \| `false` \| `JITSUDOD_METRICS_ENABLED` \| Serve Prometheus/m,
    );
    expect(md).toMatch(/^\| `mode` \| `dev` \\\| `production` \| `"dev"` \| `JITSUDOD_MODE` \|/m);
    expect(md).toMatch(/^\| `notifications\.webhooks\[\]\.url` \| string \|/m);
  });
});
