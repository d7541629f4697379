import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors.js';
import { objectName, safeText } from './fields.js';
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
    for (const bad of ['a\u0000b', 'a\r\nb', 'evil\u202Etxt.exe', 'a/b', '', '   ', 'x'.repeat(65)]) expect(objectName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(objectName.parse('  SIPServer_A  ')).toBe('SIPServer_A');
    expect(safeText(10).safeParse('ok text').success).toBe(true);
  });
});
