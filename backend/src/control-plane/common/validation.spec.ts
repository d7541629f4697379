import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.js';
import { hostName, objectName, safeText } from './fields.js';
import { listFields, optionalWholeNumber, wholeNumber } from './query.js';
import { fieldPath, parseOrThrow } from './validation.js';

describe('request validation', () => {
  it('names fields the way the API does', () => {
    expect(fieldPath(['ports', 'sip-port'])).toBe('ports.sip-port');
    expect(fieldPath(['items', 2, 'name'])).toBe('items[2].name');
    expect(fieldPath([])).toBe('');
  });

  it('reports every issue, unknown keys one by one, as a 400 AppError', () => {
    const schema = z.strictObject({ a: z.string(), b: z.object({ c: z.number() }) });
    try {
      parseOrThrow(schema, { a: 1, b: { c: 'x' }, x: 1, y: 2 }, 'body');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      const err = e as AppError;
      expect(err.getStatus()).toBe(400);
      expect(err.code).toBe('INVALID_BODY');
      expect(err.errors!.map((x) => x.path).sort()).toEqual(['a', 'b.c', 'x', 'y']);
    }
  });

  it('refuses control characters, bidi overrides and slashes in names', () => {
    for (const bad of ['a\u0000b', 'a\r\nb', 'evil\u202Etxt.exe', 'a/b', '', '   ', 'x'.repeat(65)])
      expect(objectName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(objectName.parse('  SIPServer_A  ')).toBe('SIPServer_A');
    expect(safeText(10).safeParse('ok text').success).toBe(true);
  });

  it('quotes a made-up key holding control or bidi characters, so a message cannot be forged', () => {
    expect(fieldPath(['ports', 'a\r\nInjected: 1'])).toBe('ports["a\\u000d\\u000aInjected: 1"]');
    expect(fieldPath(['options', 'x\u202Ey'])).toBe('options["x\\u202ey"]');
  });

  it('reads whole numbers from query text: digits only, in range; absent or empty is the default', () => {
    const n = wholeNumber(0, 10);
    expect(n.parse('7')).toBe(7);
    for (const bad of ['', '1e1', '0x1', '1.5', '-1', ' 1', '11', ['1', '2']])
      expect(n.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(n.safeParse(undefined).error!.issues[0].message).toBe('is required');
    const page = z.object(listFields);
    expect(page.parse({})).toEqual({ page: 1, pageSize: 50, order: 'ASC' });
    expect(page.parse({ page: '', pageSize: '7', q: '', order: 'Desc' })).toEqual({ page: 1, pageSize: 7, order: 'DESC' });
    expect(page.safeParse({ pageSize: '501' }).success).toBe(false);
    expect(optionalWholeNumber(1, 5).parse(undefined)).toBeUndefined();
  });

  it('takes host names and IP addresses as hosts, nothing with spaces or control characters', () => {
    for (const ok of ['sip.example.com', '127.0.0.1', '::1', '[2001:db8::1]', 'host_1'])
      expect(hostName.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['a b', 'h\r\nX: 1', 'h\u0000', '', 'abc:5060', 'h/x', '-h'])
      expect(hostName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
