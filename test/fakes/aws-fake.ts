/** One local endpoint for STS, IAM, SSO Admin and Identity Store, dispatching like AWS does. */
import { handleJson, jsonError } from './aws-json.js';
import { handleQuery, xmlError } from './aws-query.js';
import { AwsState } from './aws-state.js';
import { type FakeRequest, HttpFake } from './http-fake.js';

function credentialOf(req: FakeRequest): { key: string; service: string } {
  const m = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return { key: m?.[1] ?? '', service: m?.[2] ?? '' };
}

function opOf(req: FakeRequest): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return `sso:${target.split('.')[1]}`;
  const { service } = credentialOf(req);
  return `${service}:${new URLSearchParams(req.body).get('Action') ?? ''}`;
}

export class AwsFake {
  readonly state = new AwsState();
  readonly http = new HttpFake(opOf, (req) => {
    const { key, service } = credentialOf(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      if (key !== this.state.adminKey) return jsonError(400, 'UnrecognizedClientException', 'invalid key');
      return handleJson(this.state, target, req.body);
    }
    if (
      req.method !== 'POST' ||
      !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')
    )
      return xmlError('sts', 400, 'InvalidRequest', 'expected a form POST');
    return handleQuery(this.state, service, key, req.body);
  });

  async start(): Promise<this> {
    await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get url(): string {
    return this.http.url;
  }
}
