import { describe, expect, it } from 'vitest';
import { call, errorOf } from './helpers.js';

describe('units.parse', () => {
  it('parses SI, binary and milli suffixes exactly', () => {
    expect(call('units.parse', '500m')).toBe(0.5);
    expect(call('units.parse', '0.0005K')).toBe(0.5);
    expect(call('units.parse', '0.0000005M')).toBe(0.5);
    expect(call('units.parse', '1.1Ki')).toBe(1126.4);
    expect(call('units.parse', '10KI')).toBe(10240);
    expect(call('units.parse', '"100TI"')).toBe(109951162777600);
    expect(call('units.parse', '100p')).toBe(100000000000000000n);
    expect(call('units.parse', '10E')).toBe(10000000000000000000n);
    expect(call('units.parse', '10ei')).toBe(11529215046068469760n);
    expect(call('units.parse', '-3.5E2m')).toBe(-0.35);
    expect(call('units.parse', '7.8E-1')).toBe(0.78);
    expect(call('units.parse', '1e-2')).toBe(0.01);
    expect(call('units.parse', '.0')).toBe(0);
    expect(call('units.parse', '5E')).toBe(5000000000000000000n);
    expect(call('units.parse', '1G')).toBe(1000000000);
  });

  it("rejects bad amounts with OPA's messages", () => {
    expect(errorOf('units.parse', '')).toBe('eval_builtin_error: no amount provided');
    expect(errorOf('units.parse', 'foo')).toBe('eval_builtin_error: no amount provided');
    expect(errorOf('units.parse', '0.0.0')).toBe('eval_builtin_error: could not parse amount to a number');
    expect(errorOf('units.parse', ' 327Mi ')).toBe(
      'eval_builtin_error: spaces not allowed in resource strings',
    );
    expect(errorOf('units.parse', '10e10000000Ei')).toBe('eval_builtin_error: exponent too large');
    expect(errorOf('units.parse', '10Q')).toBe('eval_builtin_error: unit Q not recognized');
    expect(errorOf('units.parse', 5)).toBe('eval_type_error: operand 1 must be string but got number');
  });
});

describe('units.parse_bytes', () => {
  it('parses byte amounts case-insensitively and truncates fractions', () => {
    expect(call('units.parse_bytes', '"100TIB"')).toBe(109951162777600);
    expect(call('units.parse_bytes', '1.1KiB')).toBe(1126);
    expect(call('units.parse_bytes', '1.1KB')).toBe(1100);
    expect(call('units.parse_bytes', '100m')).toBe(100000000);
    expect(call('units.parse_bytes', '10eib')).toBe(11529215046068469760n);
    expect(call('units.parse_bytes', '3.2E2MiB')).toBe(335544320);
    expect(call('units.parse_bytes', '1e-2KB')).toBe(10);
    expect(call('units.parse_bytes', '5E')).toBe(5000000000000000000n);
    expect(call('units.parse_bytes', '.5KB')).toBe(500);
    expect(call('units.parse_bytes', '0.0')).toBe(0);
  });

  it("rejects bad byte amounts with OPA's messages", () => {
    expect(errorOf('units.parse_bytes', 'GB')).toBe('eval_builtin_error: no byte amount provided');
    expect(errorOf('units.parse_bytes', '.5.2')).toBe(
      'eval_builtin_error: could not parse byte amount to a number',
    );
    expect(errorOf('units.parse_bytes', '100 kb')).toBe(
      'eval_builtin_error: spaces not allowed in resource strings',
    );
    expect(errorOf('units.parse_bytes', '10e10000000EiB')).toBe('eval_builtin_error: exponent too large');
    expect(errorOf('units.parse_bytes', '10xb')).toBe('eval_builtin_error: byte unit xb not recognized');
  });
});
