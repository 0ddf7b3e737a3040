/** The mcp.* hardening keys: defaults, YAML-shaped overrides, JITSUDOD_* variables, bad values named. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';

const load = (env: Record<string, string>, overrides?: Record<string, unknown>) =>
  loadConfig({ env: { JITSUDO_HOME: '/nonexistent-jitsudo-home', ...env }, overrides });

describe('config: mcp origins and caps', () => {
  it('defaults: no extra origin, 8 waits and 16 calls in flight per principal', () => {
    expect(load({}).mcp).toEqual({
      get_credentials_providers: [],
      allowed_origins: [],
      max_concurrent_waits: 8,
      max_concurrent_calls: 16,
    });
    expect(load({}, { mcp: { max_concurrent_waits: 2 } }).mcp).toMatchObject({
      allowed_origins: [],
      max_concurrent_waits: 2,
      max_concurrent_calls: 16,
    });
  });

  it('reads JITSUDOD_MCP_ALLOWED_ORIGINS (comma-separated) and the two caps', () => {
    const c = load({
      JITSUDOD_MCP_ALLOWED_ORIGINS: 'https://console.example.com, http://localhost:6274',
      JITSUDOD_MCP_MAX_CONCURRENT_WAITS: '3',
      JITSUDOD_MCP_MAX_CONCURRENT_CALLS: '9',
    });
    expect(c.mcp).toMatchObject({
      allowed_origins: ['https://console.example.com', 'http://localhost:6274'],
      max_concurrent_waits: 3,
      max_concurrent_calls: 9,
    });
  });

  it('refuses what is not an origin and caps that are not positive integers, naming the key', () => {
    for (const [env, key] of [
      [{ JITSUDOD_MCP_ALLOWED_ORIGINS: 'https://console.example.com/' }, 'mcp.allowed_origins.0'],
      [{ JITSUDOD_MCP_ALLOWED_ORIGINS: 'console.example.com' }, 'mcp.allowed_origins.0'],
      [{ JITSUDOD_MCP_ALLOWED_ORIGINS: 'https://Console.example.com' }, 'mcp.allowed_origins.0'],
      [{ JITSUDOD_MCP_ALLOWED_ORIGINS: '*' }, 'mcp.allowed_origins.0'],
      [{ JITSUDOD_MCP_MAX_CONCURRENT_WAITS: '0' }, 'mcp.max_concurrent_waits'],
      [{ JITSUDOD_MCP_MAX_CONCURRENT_CALLS: 'many' }, 'mcp.max_concurrent_calls'],
    ] as const)
      expect(() => load(env), JSON.stringify(env)).toThrow(
        new RegExp(`invalid config key ${key.replace(/\./g, '\\.')}`),
      );
  });
});
