/**
 * A scripted browser for the in-process IdP (test/helpers/oidc-idp.ts): real HTTP against
 * oidc-provider's own pages, a cookie jar, redirects followed by hand, and the provider's HTML forms
 * filled the way a person would (dev login form → account id; consent → Continue; device page → the
 * user code; auto-submitting form_post pages → submitted). No page is faked and no provider internals
 * are touched, so a flow that passes here passed through the same checks a real browser meets
 * (session and interaction cookies, xsrf tokens, PKCE and state on the client's side).
 *
 *   const callback = await authorize(authorizationUrl, 'alice');   // the redirect carrying ?code=&state=
 *   await confirmDeviceCode(verificationUri, userCode, 'alice');    // approves a device login
 *   await confirmDeviceCode(verificationUri, userCode, 'alice', { deny: true }); // "Abort"
 *
 * Each top-level call uses a fresh browser (no session); `newBrowser()` keeps one jar across calls
 * (a second `authorize` then reuses the IdP session and skips the login form).
 */

const MAX_STEPS = 25;

interface Cookie {
  name: string;
  value: string;
  path: string;
  /** ms since epoch; undefined for a session cookie. */
  expires?: number;
}

/** The tiny subset of RFC 6265 oidc-provider needs: one host, name + path, Max-Age/Expires. */
class CookieJar {
  private cookies = new Map<string, Cookie>();

  store(setCookies: string[], url: URL): void {
    for (const line of setCookies) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: Cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/' };
      for (const a of attrs) {
        const [k = '', v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'path' && v.startsWith('/')) cookie.path = v;
        else if (key === 'max-age') cookie.expires = Date.now() + Number(v) * 1000;
        else if (key === 'expires' && cookie.expires === undefined) cookie.expires = Date.parse(v);
      }
      const id = `${url.host}|${cookie.path}|${cookie.name}`;
      if (cookie.expires !== undefined && cookie.expires <= Date.now()) this.cookies.delete(id);
      else this.cookies.set(id, cookie);
    }
  }

  header(url: URL): string | undefined {
    const now = Date.now();
    const out: string[] = [];
    for (const [id, c] of this.cookies) {
      if (!id.startsWith(`${url.host}|`)) continue;
      if (c.expires !== undefined && c.expires <= now) continue;
      const p = url.pathname;
      if (p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
        out.push(`${c.name}=${c.value}`);
    }
    return out.length ? out.join('; ') : undefined;
  }
}

interface Form {
  action: string;
  method: string;
  id?: string;
  /** Inputs in document order: [name, value, type]. */
  inputs: [string, string, string][];
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? unescapeHtml(m[2] ?? m[3] ?? '') : undefined;
};

function parseForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1] ?? '';
    const inputs: [string, string, string][] = [];
    for (const i of (m[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(i[0], 'name');
      if (name) inputs.push([name, attr(i[0], 'value') ?? '', (attr(i[0], 'type') ?? 'text').toLowerCase()]);
    }
    forms.push({
      action: attr(open, 'action') ?? '',
      method: (attr(open, 'method') ?? 'get').toUpperCase(),
      id: attr(open, 'id'),
      inputs,
    });
  }
  return forms;
}

/** The visible text of a page, for error messages. */
const pageText = (html: string) =>
  html
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);

interface Step {
  url: URL;
  status: number;
  html: string;
}

export interface OidcBrowser {
  /**
   * Opens `url` (an authorization request at the IdP), signs in as `account` and consents; resolves
   * with the URL the IdP finally redirects to outside itself (the client's redirect_uri carrying
   * `code` and `state`, or `error`). That URL is not fetched: the test decides what to do with it.
   */
  authorize(url: string | URL, account: string): Promise<URL>;
  /** Enters `userCode` at the IdP's device page, confirms, signs in as `account`, consents (or aborts). */
  confirmDeviceCode(
    verificationUri: string | URL,
    userCode: string,
    account: string,
    opts?: { deny?: boolean },
  ): Promise<void>;
}

/** A browser with its own cookie jar, kept across calls. */
export function newBrowser(): OidcBrowser {
  const jar = new CookieJar();

  /** One request; the jar is read and updated; redirects are NOT followed. */
  async function request(url: URL, method: string, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method,
      headers,
      body: form?.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
    });
    jar.store(res.headers.getSetCookie(), url);
    return res;
  }

  /**
   * Follows redirects from (method, url) while they stay on `origin`; returns either the page reached
   * or, as `left`, the first redirect target outside `origin`.
   */
  async function navigate(
    origin: string,
    url: URL,
    method: string,
    form?: URLSearchParams,
  ): Promise<Step | { left: URL }> {
    let cur = url;
    let m = method;
    let body = form;
    for (let hop = 0; hop < MAX_STEPS; hop++) {
      const res = await request(cur, m, body);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer();
        const next = new URL(location, cur);
        if (next.origin !== origin) return { left: next };
        if (res.status !== 307 && res.status !== 308) {
          m = 'GET';
          body = undefined;
        }
        cur = next;
        continue;
      }
      return { url: cur, status: res.status, html: await res.text() };
    }
    throw new Error(`oidc-browser: more than ${MAX_STEPS} redirects from ${url}`);
  }

  /** Submits `form` from `page` with the given field overrides (null: leave the field out). */
  const submit = (origin: string, page: Step, form: Form, fields: Record<string, string | null> = {}) => {
    const data = new URLSearchParams();
    for (const [name, value, type] of form.inputs)
      if (!(name in fields) && type !== 'submit') data.append(name, value);
    for (const [k, v] of Object.entries(fields)) if (v !== null) data.set(k, v);
    const target = new URL(form.action || page.url.toString(), page.url);
    return navigate(origin, target, form.method === 'POST' ? 'POST' : 'GET', data);
  };

  /** Drives the IdP's pages until a redirect leaves the IdP or the device success page shows. */
  async function drive(
    origin: string,
    first: Step | { left: URL },
    account: string,
    device?: { userCode: string; deny: boolean },
  ): Promise<URL | 'device-success'> {
    let step = first;
    let codeEntered = false;
    for (let n = 0; n < MAX_STEPS; n++) {
      if ('left' in step) return step.left;
      const page = step;
      const forms = parseForms(page.html);
      const has = (f: Form, name: string, value?: string) =>
        f.inputs.some(([k, v]) => k === name && (value === undefined || v === value));
      if (page.status >= 400)
        throw new Error(`oidc-browser: ${page.url} answered ${page.status}: ${pageText(page.html)}`);
      if (/<title>\s*Sign-in Success\s*<\/title>/i.test(page.html)) {
        if (!device) throw new Error(`oidc-browser: unexpected device success page at ${page.url}`);
        return 'device-success';
      }
      const login = forms.find((f) => has(f, 'prompt', 'login'));
      const consent = forms.find((f) => has(f, 'prompt', 'consent'));
      const codeInput = forms.find((f) => f.id === 'op.deviceInputForm');
      const codeConfirm = forms.find((f) => f.id === 'op.deviceConfirmForm');
      if (login) step = await submit(origin, page, login, { login: account, password: 'any' });
      else if (consent) step = await submit(origin, page, consent);
      else if (codeInput) {
        // The input page comes back with a red line when the code was wrong, expired or aborted.
        const red = /<p class="red">([\s\S]*?)<\/p>/i.exec(page.html);
        if (!device || codeEntered || red)
          throw new Error(
            `oidc-browser: device code page at ${page.url}: ${red ? pageText(red[1]!) : pageText(page.html)}`,
          );
        codeEntered = true;
        step = await submit(origin, page, codeInput, { user_code: device.userCode });
      } else if (codeConfirm) {
        if (!device) throw new Error(`oidc-browser: unexpected device confirmation at ${page.url}`);
        if (device.deny) {
          const after = await submit(origin, page, codeConfirm, { abort: 'yes', confirm: null });
          if (!('left' in after) && /was interrupted/.test(after.html)) return 'device-success';
          throw new Error(`oidc-browser: aborting the device login did not show the interrupted page`);
        }
        step = await submit(origin, page, codeConfirm);
      } else if (forms.length === 1 && forms[0]!.inputs.every(([, , t]) => t === 'hidden')) {
        // form_post pages submit themselves with a script in a real browser.
        step = await submit(origin, page, forms[0]!);
      } else {
        throw new Error(
          `oidc-browser: do not know what to do at ${page.url} (${page.status}): ${pageText(page.html)}`,
        );
      }
    }
    throw new Error(`oidc-browser: gave up after ${MAX_STEPS} pages`);
  }

  return {
    async authorize(url, account) {
      const start = new URL(url);
      const out = await drive(start.origin, await navigate(start.origin, start, 'GET'), account);
      if (out === 'device-success') throw new Error('oidc-browser: authorize ended on a device page');
      return out;
    },
    async confirmDeviceCode(verificationUri, userCode, account, opts = {}) {
      const start = new URL(verificationUri);
      const out = await drive(start.origin, await navigate(start.origin, start, 'GET'), account, {
        userCode,
        deny: opts.deny ?? false,
      });
      if (out !== 'device-success') throw new Error(`oidc-browser: device flow left the IdP for ${out}`);
    },
  };
}

/** `newBrowser().authorize(url, account)`: a fresh browser signs in as `account`; the final redirect. */
export const authorize = (url: string | URL, account: string): Promise<URL> =>
  newBrowser().authorize(url, account);

/** `newBrowser().confirmDeviceCode(…)`: a fresh browser approves (or with `deny`, aborts) a device login. */
export const confirmDeviceCode = (
  verificationUri: string | URL,
  userCode: string,
  account: string,
  opts?: { deny?: boolean },
): Promise<void> => newBrowser().confirmDeviceCode(verificationUri, userCode, account, opts);
