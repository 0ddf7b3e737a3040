/**
 * The Slack app manifest in docs/notifications.md asks for exactly the bot scopes the code needs:
 * every Slack Web API method called anywhere in src/ (found by grepping the source, so a new call
 * cannot slip in unnoticed) must map to a scope the manifest grants, and the manifest grants
 * nothing no call needs. The README's short manifest names the same scopes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Scopes each Web API method needs with a bot token (api.slack.com/methods/<method>). A method
 * missing here fails the test: look it up and add it, then fix the manifest.
 */
const SCOPES_OF_METHOD: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  // users.info answers without the email unless users:read.email is granted too; jitsudo needs it.
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
  'conversations.open': ['im:write'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `client.chat.postMessage(`, `this.#client.users.info(`, `.conversations.open(`… in src/. */
function calledMethods(): Set<string> {
  const found = new Set<string>();
  const call =
    /\.(admin|apps|auth|bookmarks|bots|calls|chat|conversations|dialog|dnd|emoji|files|im|mpim|pins|reactions|reminders|search|team|usergroups|users|views|workflows)\.([a-zA-Z]+(?:\.[a-zA-Z]+)?)\(/g;
  for (const f of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(f, 'utf8');
    if (!/@slack\/web-api|WebClient/.test(text) && !/slack/i.test(f)) continue;
    for (const m of text.matchAll(call)) found.add(`${m[1]}.${m[2]}`);
    // The generic form, `client.apiCall('conversations.open', …)`.
    for (const m of text.matchAll(/\.apiCall\(\s*['"`]([a-zA-Z.]+)['"`]/g)) found.add(m[1]!);
  }
  return found;
}

function yamlBlockAfter(md: string, heading: string): string {
  const at = md.indexOf(heading);
  expect(at, `${heading} in the document`).toBeGreaterThanOrEqual(0);
  const block = /```yaml\n([\s\S]*?)```/.exec(md.slice(at));
  expect(block, `a yaml block after ${heading}`).not.toBeNull();
  return block![1]!;
}

describe('Slack app manifest', () => {
  const docs = readFileSync(join(ROOT, 'docs', 'notifications.md'), 'utf8');
  const manifest = parse(yamlBlockAfter(docs, '### Slack app manifest')) as {
    oauth_config: { scopes: { bot: string[] } };
    settings: { interactivity: { is_enabled: boolean; request_url: string } };
  };
  const granted = new Set(manifest.oauth_config.scopes.bot);

  it('grants exactly the scopes of the Web API methods the code calls', () => {
    const methods = calledMethods();
    // The grep sees the calls we know are there (a broken regex would pass vacuously).
    expect([...methods]).toEqual(expect.arrayContaining(['chat.postMessage', 'chat.update', 'users.info']));
    const needed = new Set<string>();
    for (const m of methods) {
      expect(SCOPES_OF_METHOD[m], `scope of ${m} (add it to SCOPES_OF_METHOD)`).toBeDefined();
      for (const s of SCOPES_OF_METHOD[m]!) needed.add(s);
    }
    expect([...granted].sort()).toEqual([...needed].sort());
  });

  it('turns interactivity on at /slack/interactions over https', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url)).toMatchObject({
      protocol: 'https:',
      pathname: '/slack/interactions',
    });
  });

  it("the README's short manifest names the same scopes", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const short = parse(yamlBlockAfter(readme, '**Slack.**').replace('https://<host>/', 'https://host/')) as {
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { request_url: string } };
    };
    expect([...short.oauth_config.scopes.bot].sort()).toEqual([...granted].sort());
    expect(short.settings.interactivity.request_url).toMatch(/\/slack\/interactions$/);
  });
});
