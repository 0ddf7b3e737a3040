import { describe, expect, it } from 'vitest';
import { RSet } from '../../../../../src/core/policy/rego/value.js';
import { call, errorOf } from './helpers.js';

const sorted = (v: unknown) => (v as RSet).sorted();

describe('semver', () => {
  it('compares by SemVer precedence', () => {
    expect(call('semver.compare', '1.0.0', '2.0.0')).toBe(-1);
    expect(call('semver.compare', '2.0.0', '1.0.0')).toBe(1);
    expect(call('semver.compare', 'v1.0.0', '1.0.0+build.5')).toBe(0);
    expect(call('semver.compare', '1.0.0-alpha', '1.0.0')).toBe(-1);
    expect(call('semver.compare', '1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(call('semver.compare', '1.0.0-rc.11', '1.0.0-rc.2')).toBe(1);
    expect(call('semver.compare', '1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
  });

  it('validates and reports invalid versions', () => {
    expect(call('semver.is_valid', '1.0.0')).toBe(true);
    expect(call('semver.is_valid', '1')).toBe(false);
    expect(call('semver.is_valid', 1)).toBe(false);
    expect(call('semver.is_valid', '1.0.0-')).toBe(true);
    expect(call('semver.is_valid', '1.0.0-a..b')).toBe(false);
    expect(errorOf('semver.compare', '1', '1.0.0')).toBe(
      'eval_builtin_error: operand 1: string "1" is not a valid SemVer',
    );
    expect(errorOf('semver.compare', '1.0.0', '1')).toBe(
      'eval_builtin_error: operand 2: string "1" is not a valid SemVer',
    );
  });
});

describe('net.cidr_*', () => {
  it('checks containment of IPs and subnets, IPv4 and IPv6', () => {
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/24')).toBe(true);
    expect(call('net.cidr_contains', '172.17.0.0/24', '172.17.0.0/16')).toBe(false);
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(call('net.cidr_contains', '10.0.0.0/8', '192.168.1.1')).toBe(false);
    expect(call('net.cidr_contains', '2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40')).toBe(true);
    expect(call('net.cidr_contains', '2001:4860::/96', '2001:4860::/32')).toBe(false);
    expect(call('net.cidr_contains', '::ffff:0:0/96', '1.2.3.4')).toBe(true);
    expect(errorOf('net.cidr_contains', 'not-a-cidr', '192.168.1.67')).toBe(
      'eval_builtin_error: invalid CIDR address: not-a-cidr',
    );
    expect(errorOf('net.cidr_contains', '192.168.1.0/28', 'not-a-cidr')).toBe(
      'eval_builtin_error: not a valid textual representation of an IP address or CIDR: not-a-cidr',
    );
    // Go's parser rejects IPv4 octets with leading zeros (ambiguous octal).
    expect(errorOf('net.cidr_contains', '10.0.0.0/8', '010.1.2.3/32')).toBe(
      'eval_builtin_error: not a valid textual representation of an IP address or CIDR: 010.1.2.3/32',
    );
  });

  it('intersects, validates and expands', () => {
    expect(call('net.cidr_intersects', '192.168.0.0/16', '192.168.1.0/24')).toBe(true);
    expect(call('net.cidr_intersects', '192.168.0.0/24', '192.168.1.0/24')).toBe(false);
    expect(call('net.cidr_is_valid', '192.168.1.0/24')).toBe(true);
    expect(call('net.cidr_is_valid', '192.168.1.0/33')).toBe(false);
    expect(call('net.cidr_is_valid', '192.168.01.0/24')).toBe(false);
    expect(call('net.cidr_is_valid', 'fe80::/10')).toBe(true);
    expect(sorted(call('net.cidr_expand', '192.168.1.1/30'))).toEqual([
      '192.168.1.0',
      '192.168.1.1',
      '192.168.1.2',
      '192.168.1.3',
    ]);
    expect(sorted(call('net.cidr_expand', 'fe80::1/127'))).toEqual(['fe80::', 'fe80::1']);
    expect(errorOf('net.cidr_expand', '192.168.1.1/33')).toBe(
      'eval_builtin_error: invalid CIDR address: 192.168.1.1/33',
    );
  });

  it('reports matching pairs by index or key', () => {
    expect(
      sorted(call('net.cidr_contains_matches', ['1.1.2.0/24', '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1'])),
    ).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(sorted(call('net.cidr_contains_matches', '1.1.1.0/24', '1.1.1.1'))).toEqual([
      ['1.1.1.0/24', '1.1.1.1'],
    ]);
    expect(errorOf('net.cidr_contains_matches', ['1.1.2.0/24'], ['1.1.1.1', 1])).toBe(
      'eval_builtin_error: operand 2: element must be string or non-empty array',
    );
  });

  it('merges adjacent and contained networks', () => {
    const merge = (xs: string[]) => sorted(call('net.cidr_merge', xs));
    expect(merge(['192.0.128.0/24', '192.0.129.0/24'])).toEqual(['192.0.128.0/23']);
    expect(merge(['192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31'])).toEqual(['192.0.2.112/29']);
    expect(merge(['192.0.2.112/31', '192.0.2.116/31', '192.0.2.118/31'])).toEqual([
      '192.0.2.112/31',
      '192.0.2.116/30',
    ]);
    expect(merge(['192.0.2.112', '192.0.2.116/31', '192.0.2.118/31'])).toEqual(['192.0.2.0/24']);
    expect(merge(['192.0.128.0/24', '0.0.0.0/0'])).toEqual(['0.0.0.0/0']);
    expect(merge(['::/0', '::192.0.2.0/124', 'ff00::101/128'])).toEqual(['::/0']);
    expect(merge(['fe80::/120', '192.0.2.0/24', '192.0.3.0/24', '192.0.4.0/25', '192.0.4.128/25'])).toEqual([
      '192.0.2.0/23',
      '192.0.4.0/24',
      'fe80::/120',
    ]);
    expect(
      merge(['2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128']),
    ).toEqual(['2601:600:8a80:207e::/64']);
    expect(
      merge([
        '192.0.1.254/31',
        ...Array.from({ length: 16 }, (_, i) => `192.0.2.${i * 16}/28`),
        '192.0.3.0/28',
      ]),
    ).toEqual(['192.0.1.254/31', '192.0.2.0/24', '192.0.3.0/28']);
    expect(sorted(call('net.cidr_merge', RSet.from(['10.0.0.1'])))).toEqual(['10.0.0.1/8']);
    expect(errorOf('net.cidr_merge', ['2601:600:8a80:207e:a57d:7567:e2c9:e7b3'])).toBe(
      'eval_builtin_error: IPv6 invalid: needs prefix length',
    );
    expect(errorOf('net.cidr_merge', ['foo'])).toBe('eval_builtin_error: invalid CIDR address: foo');
  });
});
