/**
 * Identities and group names refuse what a reader cannot see: controls (C0, DEL, C1), bidi
 * controls, the other format characters and blank-rendering fillers — at every door: dev-token
 * minting and verification, the claims → actor funnel, principals and agent owners.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/core/config.js';
import { AppError } from '../../../src/core/errors.js';
import {
  actorFromClaims,
  issueDevToken,
  mintDevToken,
  verifyToken,
} from '../../../src/core/identity/index.js';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../../src/core/identity/types.js';
import { getPrincipal } from '../../../src/core/principals/get-principal.js';
import { setTrustTier } from '../../../src/core/principals/set-trust-tier.js';
import { identityText, unsafeNameChar } from '../../../src/core/validation/identity-text.js';
import { ADMIN, type Stack, startStack } from '../../helpers/app-stack.js';

/** One of each kind that must be refused, by name. */
const UNSAFE: Record<string, string> = {
  'ESC (C0)': '\u001b',
  'CR (C0)': '\r',
  DEL: '\u007f',
  'CSI (C1)': '\u009b',
  'NEL (C1)': '\u0085',
  'RLO U+202E': '\u202e',
  'LRE U+202A': '\u202a',
  'PDF U+202C': '\u202c',
  'LRI U+2066': '\u2066',
  'PDI U+2069': '\u2069',
  'LRM U+200E': '\u200e',
  'RLM U+200F': '\u200f',
  'ALM U+061C': '\u061c',
  'ZWSP U+200B': '\u200b',
  'ZWJ U+200D': '\u200d',
  'WORD JOINER U+2060': '\u2060',
  'BOM U+FEFF': '\ufeff',
  'SOFT HYPHEN': '\u00ad',
  'LINE SEPARATOR': '\u2028',
  'TAG A U+E0041': '\u{e0041}',
  'HANGUL FILLER': '\u3164',
  'VARIATION SELECTOR-16': '\ufe0f',
  'lone surrogate': '\ud800',
};

const config = parseConfig({ home: '/tmp/x' });
const keys = { tokenKey: randomBytes(32) };

const outcome = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof AppError ? e.code : `raw: ${String(e)}`;
  }
};

describe('identity and group names', () => {
  it.each(Object.entries(UNSAFE))('refuse %s anywhere in the name', (_, c) => {
    expect(unsafeNameChar(`al${c}ice@example.com`)).toBe(c);
    const r = identityText(254).safeParse(`alice@example.com${c}`);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/control, bidirectional or invisible characters \(found U\+/);
  });

  it('accept ordinary names, also outside ASCII', () => {
    for (const s of [
      'alice@example.com',
      'élodie@exämple.fr',
      'agent:deploy-bot',
      'sre-leads',
      '운영팀',
      'ops_2',
    ])
      expect(unsafeNameChar(s), s).toBeUndefined();
  });

  it.each(Object.entries(UNSAFE))(
    'dev tokens: %s in the email or a group is refused when minting (VALIDATION)',
    async (_, c) => {
      const mint = (email: string, groups: string[]) =>
        mintDevToken(keys, { email, groups, kind: 'human', ttl: 60 });
      expect(await outcome(mint(`eve${c}@example.com`, []))).toBe('VALIDATION');
      expect(await outcome(mint('eve@example.com', [`jitsudo-admins${c}`]))).toBe('VALIDATION');
      const issue = issueDevToken({ config, keys }, { email: 'eve@example.com', groups: [`sre${c}`] });
      expect(await outcome(issue)).toBe('VALIDATION');
    },
  );

  it('a token signed with such claims (minted before this rule) is refused when verified (UNAUTHENTICATED)', async () => {
    for (const [email, groups] of [
      ['eve\u202e@example.com', []],
      ['eve@example.com', ['jitsudo-admins\u2066']],
    ] as const) {
      const token = await new SignJWT({ email, groups: [...groups], kind: 'human' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(email)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(keys.tokenKey);
      expect(await outcome(verifyToken({ config, keys }, token))).toBe('UNAUTHENTICATED');
    }
  });

  it('the claims → actor funnel refuses them whatever verified the claims', () => {
    const claims = (identity: string, groups: string[]) => () =>
      actorFromClaims(config, { identity, groups, kind: 'human' });
    expect(claims('eve\u009b@example.com', [])).toThrow(/invalid token claims/);
    expect(claims('eve@example.com', ['a\u200fb'])).toThrow(/invalid token claims/);
    expect(claims('eve@example.com', ['sre']).call(null).identity).toBe('eve@example.com');
  });
});

describe('principals and agent owners on a real database', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack('pglite');
  });
  afterAll(() => s?.close());

  it('setTrustTier and getPrincipal refuse such identities (VALIDATION) and write nothing', async () => {
    for (const c of ['\u202e', '\u2066', '\u200e', '\u061c', '\ufeff', '\u200b']) {
      const identity = `mallory${c}@example.com`;
      expect(await outcome(setTrustTier({ db: s.db.db }, ADMIN, { identity, trust_tier: 3 }))).toBe(
        'VALIDATION',
      );
      expect(await outcome(getPrincipal({ db: s.db.db }, ADMIN, { identity }))).toBe('VALIDATION');
    }
    expect(await s.rows("select identity from principals where identity like 'mallory%'")).toEqual([]);
    expect(await s.rows("select id from audit_events where action = 'principal.trust_tier_set'")).toEqual([]);
  });

  it('createAgent refuses an owner with a bidi, ESC or C1 character (VALIDATION) and writes nothing', async () => {
    for (const c of ['\u202e', '\u001b', '\u009b', '\u2069']) {
      const r = await outcome(s.core.createAgent(ADMIN, { name: 'bot-x', owner: `rita${c}@example.com` }));
      expect(r).toBe('VALIDATION');
    }
    expect(await s.rows("select id from agents where name = 'bot-x'")).toEqual([]);
  });
});
