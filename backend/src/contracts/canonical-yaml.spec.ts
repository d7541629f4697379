import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { readCanonicalYaml, writeCanonicalYaml } from './canonical-yaml.js';
import { configDocumentToPlain, serializeConfigDocument } from './config-document.js';
import { generateConfigDocument } from '../../test/fixtures/config/index.js';

describe('canonical YAML writer/reader', () => {
  it('the yaml package reads our output exactly as our fast reader does', () => {
    const text = serializeConfigDocument(
      generateConfigDocument({ switches: 3, dnsPerSwitch: 20, dnKind: 'mixed', unknownOptionPerDn: true }),
    );
    expect(readCanonicalYaml(text)).toEqual(parse(text));
  });

  it('quotes every string a YAML reader could take for something else', () => {
    for (const s of [
      '1001',
      '0123',
      '1.5',
      '1e3',
      'true',
      'yes',
      'No',
      'null',
      '~',
      '',
      ' lead',
      'a: b',
      'x #y',
      '[::1]:5060',
      '-x',
      'end:',
      'é',
      '.inf',
      '0x1F',
      'a\nb',
      '"q"',
    ]) {
      const text = writeCanonicalYaml({ k: s });
      expect(parse(text), s).toEqual({ k: s });
      expect(readCanonicalYaml(text), s).toEqual({ k: s });
    }
    expect(writeCanonicalYaml({ k: 'proxy.site-a.example:5060', num: 5, b: false, n: 1 })).toBe(
      'k: proxy.site-a.example:5060\nnum: 5\nb: false\n"n": 1\n',
    );
  });

  it('any document of scalars round-trips and agrees with the yaml package (property)', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean());
    const key = fc.string({ minLength: 1 }).filter((k) => k !== '__proto__');
    const section = fc.dictionary(key, scalar);
    const item = fc.record({ name: fc.string(), options: fc.dictionary(fc.constantFrom('sipproxy', 'TServer', 'x y'), section) });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), (items) => {
        const v = { version: 1, items };
        const text = writeCanonicalYaml(v);
        const ours = readCanonicalYaml(text);
        expect(ours).toEqual(parse(text));
        expect(ours).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('returns undefined for anything else, so the yaml package reads it', () => {
    for (const t of [
      '# comment\na: 1\n',
      'a: 1 # c\n',
      'a: {b: 1}\n',
      'a:\n',
      'a: 1\na: 2\n',
      'a: 1.5\n',
      'a: yes\n',
      '- 1\n',
      'a:\n  - - 1\n',
      'a: &x 1\n',
      '',
      'a: "x" # c\n',
    ]) {
      expect(readCanonicalYaml(t), JSON.stringify(t)).toBeUndefined();
    }
  });

  it('plain form of the document is what the writer is given', () => {
    const doc = generateConfigDocument({ switches: 1, dnsPerSwitch: 2 });
    expect(readCanonicalYaml(serializeConfigDocument(doc))).toEqual(configDocumentToPlain(doc));
  });
});
