import { describe, expect, it } from 'vitest';
import type { OptionSchemaEntry } from '../api/types';
import { formatDefault, normalizeOptionValue, rangeHint, validateOptionValue } from './options';

const base = { takesEffect: 'immediately', description: '' } as const;
const opt = (o: Partial<OptionSchemaEntry> & Pick<OptionSchemaEntry, 'name' | 'type'>): OptionSchemaEntry => ({ ...base, ...o });

describe('validateOptionValue', () => {
  it('accepts "not set" for every type', () => {
    for (const type of ['int', 'bool', 'string', 'enum', 'list', 'pem', 'port', 'host-port', 'sip-contact', 'path-or-pem'] as const) {
      expect(validateOptionValue(opt({ name: 'x', type }), undefined)).toBeNull();
    }
  });

  it('checks integers and ranges', () => {
    const o = opt({ name: 'oos-check', type: 'int', min: 0, max: 300 });
    expect(validateOptionValue(o, 5)).toBeNull();
    expect(validateOptionValue(o, '12a')).toBe('Must be a whole number');
    expect(validateOptionValue(o, 301)).toBe('Must be between 0 and 300');
    expect(validateOptionValue(opt({ name: 'x', type: 'int', min: 1 }), 0)).toBe('Must be at least 1');
  });

  it('checks list items against valid values and duplicates', () => {
    const o = opt({ name: 'transports', type: 'list', validValues: ['udp', 'tcp', 'tls'] });
    expect(validateOptionValue(o, ['udp', 'tls'])).toBeNull();
    expect(validateOptionValue(o, 'udp, sctp')).toMatch(/^Not allowed: sctp/);
    expect(validateOptionValue(o, ['udp', 'udp'])).toBe('Listed twice: udp');
  });

  it('accepts a PEM block or a path, not half a block', () => {
    const o = opt({ name: 'certificate', type: 'path-or-pem' });
    expect(validateOptionValue(o, './certs/proxy.pem')).toBeNull();
    expect(validateOptionValue(o, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toBeNull();
    expect(validateOptionValue(o, '-----BEGIN CERTIFICATE-----\nMIIB')).toMatch(/incomplete/);
  });

  it('checks SIP contacts', () => {
    const o = opt({ name: 'contact', type: 'sip-contact' });
    expect(validateOptionValue(o, '10.0.0.1:5060;transport=tcp')).toBeNull();
    expect(validateOptionValue(o, 'sips:sip.example.com')).toBeNull();
    expect(validateOptionValue(o, '[::1]:5061')).toBeNull();
    expect(validateOptionValue(o, 'bad host:5060')).toMatch(/^Must be host/);
    expect(validateOptionValue(o, 'h:70000')).toBe('Port must be between 1 and 65535');
  });
});

describe('formatting', () => {
  it('prefers the guide text for defaults', () => {
    expect(formatDefault(opt({ name: 'x', type: 'list', default: null, defaultText: 'NULL' }))).toBe('NULL');
    expect(formatDefault(opt({ name: 'x', type: 'list', default: ['a', 'b'] }))).toBe('a, b');
    expect(formatDefault(opt({ name: 'x', type: 'string' }))).toBe('none');
  });

  it('shows ranges with units', () => {
    expect(rangeHint(opt({ name: 'x', type: 'int', min: 0, max: 300, unit: 'seconds' }))).toBe('Range: 0–300 seconds');
    expect(rangeHint(opt({ name: 'x', type: 'port' }))).toBe('Range: 1–65535');
    expect(rangeHint(opt({ name: 'x', type: 'int' }))).toBeUndefined();
  });

  it('normalizes stored strings into editor values', () => {
    expect(normalizeOptionValue({ type: 'int' }, '5060')).toBe(5060);
    expect(normalizeOptionValue({ type: 'port' }, '50x')).toBe('50x');
    expect(normalizeOptionValue({ type: 'bool' }, 'TRUE')).toBe(true);
    expect(normalizeOptionValue({ type: 'list' }, 'a, b')).toEqual(['a', 'b']);
  });
});
