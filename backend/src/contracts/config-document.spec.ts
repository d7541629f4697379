import { describe, it, expect } from 'vitest';
import { parseConfigDocument, serializeConfigDocument } from './config-document.js';
import { exampleDocumentText, generateConfigDocument } from '../../test/fixtures/config/index.js';
import { loadConfigDocument } from './load.js';

describe('parseConfigDocument', () => {
  it('parses the example document without errors and folds alias spellings', () => {
    const { doc, errors } = parseConfigDocument(exampleDocumentText());
    expect(errors).toEqual([]);
    expect(doc.applications.map((a) => a.name)).toEqual([
      'SIPServer_A',
      'SIPServer_A_backup',
      'SIPServer_B',
      'SIPServer_B_backup',
      'SIPProxy_1',
      'SIPProxy_2',
    ]);
    const p2 = doc.applications[5];
    expect(p2.options.sipproxy).toEqual({
      applications: 'SIPServer_A,SIPServer_B',
      'servicing-sipserver': 'SIPServer_B',
      'sipproxy-role': 10,
    });
    expect(doc.switches[0].sipServer).toBe('SIPServer_A');
    expect(doc.switches[0].dns[2]).toEqual({
      number: '1001',
      type: 'extension',
      options: { TServer: { contact: '127.0.0.1:5090;transport=tcp' } },
    });
    expect(doc.applications[4].ports).toEqual({ 'sip-port': 5060, 'http-port': 8091, 'tls-port': 5061 });
  });

  it('refuses both spellings of one option in one section', () => {
    const { errors } = parseConfigDocument(`
applications:
  - name: P
    type: sip-proxy
    options:
      sipproxy:
        servicing-sipserver: A
        serving-sipserver: A
        siproxy-role: 10
        sipproxy-role: 10
`);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['applications[0].options.sipproxy.servicing-sipserver', 'duplicate-option'],
      ['applications[0].options.sipproxy.sipproxy-role', 'duplicate-option'],
    ]);
    expect(errors[0].message).toMatch(/serving-sipserver/);
  });

  it('reports YAML syntax errors with a line and never throws', () => {
    const r = parseConfigDocument('applications:\n  - name: [unclosed\n');
    expect(r.errors[0].code).toBe('yaml-syntax');
    expect(r.errors[0].message).toMatch(/line \d+/);
    expect(parseConfigDocument('a: 1\na: 2\n').errors[0].code).toBe('yaml-syntax');
    expect(parseConfigDocument('- 1\n').errors[0]).toMatchObject({ path: '', code: 'invalid-structure' });
    expect(parseConfigDocument('').errors).toEqual([]);
  });

  it('reports shape errors with paths', () => {
    const { errors } = parseConfigDocument(`
version: 2
colour: blue
applications:
  - type: sip-server
    ports: { sip-port: abc }
    extra: 1
  - 42
switches:
  - name: S
    dns:
      - number: 1001
        type: extension
        options:
          TServer:
            contact: { host: x }
      - type: trunk
        options: [1]
`);
    expect(errors.map((e) => `${e.path} ${e.code}`)).toEqual([
      'colour unknown-key',
      'version unsupported-version',
      'applications[0].name required',
      'applications[0].extra unknown-key',
      'applications[0].ports.sip-port invalid-type',
      'applications[1] invalid-structure',
      'switches[0].dns[0].options.TServer.contact invalid-type',
      'switches[0].dns[1].number required',
      'switches[0].dns[1].options invalid-structure',
    ]);
  });

  it('keeps numbers of DNs as strings and accepts a YAML list for a comma-separated option', () => {
    const { doc, errors } = parseConfigDocument(`
applications:
  - { name: P, type: sip-proxy, options: { sipproxy: { applications: [A, B] } } }
switches:
  - { name: S, dns: [ { number: 1001, type: extension } ] }
`);
    expect(errors).toEqual([]);
    expect(doc.applications[0].options.sipproxy.applications).toBe('A,B');
    expect(doc.switches[0].dns[0].number).toBe('1001');
  });

  it('keeps unknown options so they can be shown flagged', () => {
    const { doc, errors } = loadConfigDocument(
      exampleDocumentText().replace(
        'oos-check: 5\n        oos-force: 5\n        overload',
        'oos-check: 5\n        x-made-up: 1\n        oos-force: 5\n        overload',
      ),
    );
    expect(errors.map((e) => [e.path, e.code])).toEqual([['applications[4].options.sipproxy.x-made-up', 'unknown-option']]);
    expect(parseConfigDocument(serializeConfigDocument(doc)).doc.applications[4].options.sipproxy['x-made-up']).toBe(1);
  });
});

describe('serializeConfigDocument', () => {
  it('export then import is the identity on the example', () => {
    const { doc } = parseConfigDocument(exampleDocumentText());
    const text = serializeConfigDocument(doc);
    const again = parseConfigDocument(text);
    expect(again.errors).toEqual([]);
    expect(again.doc).toEqual(doc);
    expect(serializeConfigDocument(again.doc)).toBe(text);
  });

  it('writes canonical output: sections in sipproxy/security/log order, options sorted, strings that look like numbers quoted', () => {
    const text = serializeConfigDocument({
      version: 1,
      applications: [
        {
          name: 'P',
          type: 'sip-proxy',
          ports: { 'http-port': 1, 'sip-port': 2 },
          options: { log: { verbose: 'all' }, sipproxy: { 'sip-ip-tos': 256, applications: 'A' } },
        },
      ],
      switches: [{ name: 'S', dns: [{ number: '1001', type: 'extension', options: {} }] }],
    });
    expect(text).toBe(
      [
        'version: 1',
        'applications:',
        '  - name: P',
        '    type: sip-proxy',
        '    ports:',
        '      sip-port: 2',
        '      http-port: 1',
        '    options:',
        '      sipproxy:',
        '        applications: A',
        '        sip-ip-tos: 256',
        '      log:',
        '        verbose: all',
        'switches:',
        '  - name: S',
        '    dns:',
        '      - number: "1001"',
        '        type: extension',
        '',
      ].join('\n'),
    );
  });

  it('export then import is the identity on a generated document of 10,000 DNs', () => {
    const doc = generateConfigDocument({ switches: 10, dnsPerSwitch: 1000, dnKind: 'mixed', unknownOptionPerDn: true });
    const t0 = performance.now();
    const text = serializeConfigDocument(doc);
    const t1 = performance.now();
    const back = parseConfigDocument(text);
    const t2 = performance.now();
    console.log(
      `10,000 DNs: serialize ${(t1 - t0).toFixed(0)} ms, parse ${(t2 - t1).toFixed(0)} ms, ${(text.length / 1e6).toFixed(1)} MB of YAML`,
    );
    expect(back.errors).toEqual([]);
    expect(back.doc).toEqual(doc);
    expect(serializeConfigDocument(back.doc)).toBe(text);
  }, 60_000);
});

describe('export then import is the identity (property)', () => {
  it('for any document, parse(serialize(doc)) equals doc and serialization is stable', async () => {
    const fc = (await import('fast-check')).default;
    const { isOptionAlias } = await import('./options/option-schema.js');
    const name = fc.string({ unit: 'binary', maxLength: 12 });
    const key = name.filter((k) => !isOptionAlias(k) && !['__proto__', 'constructor', 'prototype'].includes(k));
    const value = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom('1001', 'true', '5060', 'a: b', '- x', '#', '1.5'),
    );
    const sections = fc.dictionary(key, fc.dictionary(key, value, { maxKeys: 4 }), { maxKeys: 3 });
    const ports = fc.dictionary(key, fc.integer({ min: 1, max: 65535 }), { maxKeys: 3 });
    const app = fc.record(
      { name, type: fc.constantFrom('sip-proxy', 'sip-server', 'other'), host: name, ports, backup: name, options: sections },
      { requiredKeys: ['name', 'type', 'ports', 'options'] },
    );
    const dnArb = fc.record({ number: name, type: fc.constantFrom('voip-service', 'trunk', 'extension'), options: sections });
    const sw = fc.record({ name, sipServer: name, dns: fc.array(dnArb, { maxLength: 3 }) }, { requiredKeys: ['name', 'dns'] });
    const docArb = fc.record({
      version: fc.constant(1),
      applications: fc.array(app, { maxLength: 3 }),
      switches: fc.array(sw, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(docArb, (doc) => {
        const text = serializeConfigDocument(doc);
        const back = parseConfigDocument(text);
        expect(back.errors.filter((e) => e.code !== 'required' && e.code !== 'unknown-key')).toEqual([]);
        expect(back.doc).toEqual(doc);
        expect(serializeConfigDocument(back.doc)).toBe(text);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
