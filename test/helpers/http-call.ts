/** One HTTP call through `app.request()`, the body read once and parsed when it is JSON. */

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (bad JSON, huge bodies). */
  raw?: string;
  headers?: Record<string, string>;
}

interface InProcessApp {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export async function callApp(
  app: InProcessApp,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.raw;
  if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await app.request(path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}
