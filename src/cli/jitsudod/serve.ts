import { z } from 'zod';
import { type Config, loadConfig } from '../../core/config.js';
import { assertSafeListenAddress, DEV_MODE_WARNING } from '../../server/dev-mode.js';
import { assertAddressFree, parseListenAddress } from '../../server/listen-address.js';
import { assertProductionSafe } from '../../server/production-mode.js';
import { leaf } from '../args.js';
import { note } from '../output.js';
import { quickstartLines } from './quickstart.js';

/** What `--dev` (and `npm start`) adds: the mock provider. Dev identity and policies/ are defaults anyway. */
const EMBEDDED_DEFAULTS = { mode: 'dev', providers: { mock: {} }, auth: { mode: 'dev' } } as const;

export const serveCommand = leaf({
  name: 'serve',
  description: 'Run jitsudod (migrations first; stops cleanly on SIGINT/SIGTERM)',
  args: {
    config: { type: 'string', alias: 'c', description: 'config file (default $JITSUDOD_CONFIG)' },
    addr: { type: 'string', description: 'listen address host:port (default 127.0.0.1:8080 or http.addr)' },
    dev: {
      type: 'boolean',
      description:
        'dev mode: PGlite in $JITSUDO_HOME, mock provider, dev identity, policies/ (without it: production mode)',
    },
  },
  schema: z
    .object({
      config: z.string().min(1).optional(),
      addr: z.string().min(1).optional(),
      dev: z.boolean().default(false),
    })
    .strict(),
  globals: false,
  async run(a) {
    const overrides: Record<string, unknown> = a.dev ? structuredClone(EMBEDDED_DEFAULTS) : {};
    if (a.addr) overrides.http = { addr: a.addr };
    // Without --dev the server is in production mode unless the config file or JITSUDOD_MODE says
    // `mode: dev` in so many words; production refuses every dev setting, naming the key.
    const overridden: string[] = [];
    const config: Readonly<Config> = loadConfig({
      file: a.config,
      defaults: { mode: 'production' },
      overrides,
      // `JITSUDOD_AUTH_MODE=oidc jitsudod serve --dev` runs dev identity: say so rather than ignore it.
      onOverride: (key, was, now) => {
        if (a.dev && key !== 'http.addr') overridden.push(`${key} "${String(was)}" → "${String(now)}"`);
      },
    });
    if (overridden.length)
      note(
        `jitsudod: warning: --dev overrides ${overridden.join(', ')} (from the config file or JITSUDOD_* variables); run without --dev to use them`,
      );
    assertSafeListenAddress(config);
    assertProductionSafe(config);
    // A taken port is told at once, before the server's modules load and the database opens.
    await assertAddressFree(parseListenAddress(config.http.addr));
    // Loaded only now: a bad configuration is reported without loading the server's dependencies.
    const { startServer } = await import('../../server/start-server.js');
    const server = await startServer({ config });
    banner(server.url, config);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        note(`jitsudod: ${sig}, shutting down…`);
        server.close().then(resolve, (e) => {
          note(`jitsudod: error while stopping: ${(e as Error).message}`);
          process.exitCode = 1;
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  },
});

function banner(url: string, config: Readonly<Config>): void {
  const dev = config.auth.mode === 'dev';
  const server = url === 'http://127.0.0.1:8080' ? '' : url;
  if (config.mode === 'production') note(`jitsudod: production mode (auth: ${config.auth.mode})`);
  const lines = [
    `jitsudod listening on ${url}  (home: ${config.home}; database: ${config.database.url ? 'postgresql' : 'embedded PGlite'})`,
  ];
  if (dev) {
    lines.push('', `!!! ${DEV_MODE_WARNING} !!!`, '', 'Try it (in another terminal):');
    lines.push(...quickstartLines(server, 'mock' in config.providers).map((l) => (l ? `  ${l}` : l)));
  }
  note(lines.join('\n'));
}
