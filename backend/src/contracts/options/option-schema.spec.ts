import { describe, it, expect } from 'vitest';
import {
  OPTIONS,
  canonicalOptionName,
  checkOptionValue,
  expectedType,
  defaultsFor,
  findOption,
  findOptionsByName,
  optionSchemaJson,
  parseContact,
  parseHostPort,
} from './option-schema.js';
import type { ObjectKind, OptionDefinition } from './option-schema.js';
import { optionsWithDefaults } from './option-values.js';

function def(kind: ObjectKind, section: string, name: string): OptionDefinition {
  const d = findOption(kind, section, name);
  if (!d) throw new Error(`no ${kind} [${section}] ${name}`);
  return d;
}

describe('option registry: completeness against the guide', () => {
  it('has every [sipproxy] option of the application reference', () => {
    for (const n of [
      'applications',
      'oos-check',
      'oos-force',
      'overload-ctrl-dialog-rate',
      'resolve-host',
      'servicing-sipserver',
      'sip-address',
      'sip-enable-tcp-keep-alive',
      'sip-ip-tos',
      'sipproxy-role',
    ]) {
      expect(findOption('sip-proxy', 'sipproxy', n)?.extension, n).toBe(false);
    }
  });
  it('has the [security] options of the guide', () => {
    expect(def('sip-proxy', 'security', 'sip-tls-sec-protocol').extension).toBe(false);
    expect(def('sip-proxy', 'security', 'tls-mutual').extension).toBe(false);
  });
  it('has every DN-level [TServer] option on the right DN kinds', () => {
    const onVoip = ['contact', 'external-contact', 'oos-check', 'oos-force', 'service-type', 'sip-port-tls'];
    const onTrunk = [
      'contact',
      'oos-check',
      'oos-force',
      'peer-proxy-contact',
      'peer-proxy-port-tls',
      'peer-proxy-protocol',
      'resolve-external-contact',
      'replace-uri-contact',
      'request-uri',
    ];
    for (const n of onVoip) expect(findOption('voip-service', 'TServer', n), n).toBeDefined();
    for (const n of onTrunk) expect(findOption('trunk', 'TServer', n), n).toBeDefined();
    expect(findOption('extension', 'TServer', 'contact')).toBeDefined();
    expect(findOption('voip-service', 'TServer', 'peer-proxy-contact')).toBeUndefined();
    expect(findOption('trunk', 'TServer', 'external-contact')).toBeUndefined();
  });
  it('has the SIP Server application options the guide asks for', () => {
    for (const n of ['sip-address', 'sip-outbound-proxy', 'sip-enable-rfc3263', 'sip-enable-gdns', 'resolve-external-contact']) {
      expect(findOption('sip-server', 'TServer', n), n).toBeDefined();
    }
  });
  it('marks the product extensions', () => {
    const ext = OPTIONS.filter((d) => d.extension).map((d) => d.name);
    for (const n of [
      'failover-timeout',
      'tcp-keep-alive-idle',
      'tcp-keep-alive-interval',
      'tcp-keep-alive-count',
      'tls-min-version',
      'connection-idle-timeout',
      'flow-timer',
      'flow-timer-grace-period',
      'persistent-next-hop-connection',
      'verify-server-certificate',
      'max-message-size',
    ]) {
      expect(ext, n).toContain(n);
    }
    expect(def('sip-proxy', 'sipproxy', 'failover-timeout').default).toBe(1000);
  });
  it('relay-trusted-networks takes CIDR networks and addresses; relay-allow-foreign-next-hop is false by default', () => {
    const d = def('sip-proxy', 'sipproxy', 'relay-trusted-networks');
    expect(checkOptionValue(d, '10.1.0.0/16, 192.0.2.7,2001:db8::/32')).toEqual({
      ok: true,
      value: ['10.1.0.0/16', '192.0.2.7', '2001:db8::/32'],
    });
    for (const bad of ['10.1.0.0/33', 'lan.example.com/24', '10.0.0.0/8, nope']) {
      const r = checkOptionValue(d, bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.allowed).toMatch(/networks \(address\/prefix/);
    }
    expect(def('sip-proxy', 'sipproxy', 'relay-allow-foreign-next-hop')).toMatchObject({ default: false, takesEffect: 'immediately' });
  });
  it('dns-servers takes ip, ip:port and [ipv6]:port items and names what it wants otherwise', () => {
    const d = def('sip-proxy', 'sipproxy', 'dns-servers');
    expect(checkOptionValue(d, '127.0.0.1:5353, 10.0.0.2,[::1]:53, 2001:db8::1')).toEqual({
      ok: true,
      value: ['127.0.0.1:5353', '10.0.0.2', '[::1]:53', '2001:db8::1'],
    });
    expect(checkOptionValue(d, '')).toEqual({ ok: true, value: [] });
    for (const bad of ['dns.example.com', '127.0.0.1:0', '127.0.0.1:70000', '[127.0.0.1]:53', '::1:53x', '10.0.0.1, nope']) {
      const r = checkOptionValue(d, bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.allowed).toMatch(/DNS servers \(ip, ip:port or \[ipv6\]:port\)/);
    }
  });
  it('every entry is complete and its default is itself valid', () => {
    for (const d of OPTIONS) {
      expect(d.description.length, d.name).toBeGreaterThan(10);
      expect(['immediately', 'next-call', 'after-restart']).toContain(d.takesEffect);
      expect(d.takesEffectText, d.name).not.toBe('');
      expect(d.objects.length).toBeGreaterThan(0);
      if (d.default !== null) expect(checkOptionValue(d, d.default).ok, `${d.name} default`).toBe(true);
      if (!d.extension) expect(d.source).toMatch(/Deployment Guide/);
    }
  });
  it('keeps the guide texts verbatim', () => {
    const tos = def('sip-proxy', 'sipproxy', 'sip-ip-tos');
    expect([tos.defaultText, tos.validValuesText, tos.takesEffectText]).toEqual(['256', '0-255', 'After SIP Proxy restart']);
    expect(def('voip-service', 'TServer', 'sip-port-tls').takesEffectText).toBe('At SIP Proxy restart');
    expect(def('trunk', 'TServer', 'resolve-external-contact').takesEffect).toBe('next-call');
    expect(def('voip-service', 'TServer', 'external-contact').validValuesText).toBe('FQDN of SIP Proxy resolved to A-record (host:port)');
  });
  it('is JSON-serializable for GET /api/options/schema', () => {
    const json = optionSchemaJson();
    const back = JSON.parse(JSON.stringify(json)) as typeof json;
    expect(back).toEqual(json);
    expect(back.schemaVersion).toBe(1);
    expect(back.objects['sip-proxy']).toEqual(['sipproxy', 'security', 'log']);
    expect(back.options.length).toBe(OPTIONS.length);
  });
});

describe('aliases', () => {
  it('maps both spellings to the canonical one', () => {
    expect(canonicalOptionName('serving-sipserver')).toBe('servicing-sipserver');
    expect(canonicalOptionName('siproxy-role')).toBe('sipproxy-role');
    expect(canonicalOptionName('servicing-sipserver')).toBe('servicing-sipserver');
    expect(canonicalOptionName('nope')).toBe('nope');
    expect(findOption('sip-proxy', 'sipproxy', 'siproxy-role')?.name).toBe('sipproxy-role');
    expect(findOptionsByName('serving-sipserver').map((d) => d.name)).toEqual(['servicing-sipserver']);
  });
});

describe('contradictions resolved (notes)', () => {
  it('oos-force keeps 1-32 on the application and 0-30 on DNs', () => {
    const app = def('sip-proxy', 'sipproxy', 'oos-force');
    const dn = def('voip-service', 'TServer', 'oos-force');
    expect(checkOptionValue(app, 0).ok).toBe(false);
    expect(checkOptionValue(app, 32).ok).toBe(true);
    expect(checkOptionValue(dn, 0).ok).toBe(true);
    expect(checkOptionValue(dn, 31)).toMatchObject({ ok: false, code: 'out-of-range' });
    expect(app.note).toMatch(/0-30/);
    expect(dn.note).toMatch(/1-32/);
  });
  it('sip-ip-tos accepts 0-255 and the 256 "disabled" default, nothing above', () => {
    const d = def('sip-proxy', 'sipproxy', 'sip-ip-tos');
    expect(checkOptionValue(d, 0)).toEqual({ ok: true, value: 0 });
    expect(checkOptionValue(d, 256)).toEqual({ ok: true, value: 256 });
    expect(checkOptionValue(d, 257)).toMatchObject({ ok: false, code: 'out-of-range', allowed: expect.stringMatching(/0 to 255.*or 256/) });
    expect(d.note).toMatch(/256/);
  });
  it('sip-tls-sec-protocol keeps its values but says nothing below TLS 1.2 is enabled', () => {
    const d = def('sip-proxy', 'security', 'sip-tls-sec-protocol');
    expect(d.values).toEqual(['SSLv23', 'SSLv3', 'TLSv1', 'TLSv11']);
    expect(checkOptionValue(d, 'SSLv3').ok).toBe(true);
    expect(d.description).toMatch(/TLS 1\.2/);
    expect(d.note).toMatch(/TLS 1\.2/);
  });
  it('sipproxy-role keeps the documented default 0 but explains only 10 is served', () => {
    const d = def('sip-proxy', 'sipproxy', 'sipproxy-role');
    expect(d.default).toBe(0);
    expect(checkOptionValue(d, '10')).toEqual({ ok: true, value: 10 });
    expect(checkOptionValue(d, 5)).toMatchObject({ ok: false, code: 'invalid-value' });
    expect(d.note).toMatch(/10/);
  });
});

describe('value checks and defaults', () => {
  it('ints accept numbers within range; a quoted number is the wrong type', () => {
    const d = def('sip-proxy', 'sipproxy', 'oos-check');
    expect(checkOptionValue(d, 5)).toEqual({ ok: true, value: 5 });
    expect(checkOptionValue(d, '5')).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(d, 300).ok).toBe(true);
    // 0 would switch detection off (the guide forbids it): the registry range refuses it, for the server and the form.
    expect(checkOptionValue(d, 0)).toMatchObject({ ok: false, code: 'out-of-range', allowed: 'an integer from 1 to 300' });
    expect(checkOptionValue(d, 301)).toMatchObject({ ok: false, code: 'out-of-range', allowed: 'an integer from 1 to 300' });
    expect(checkOptionValue(d, 'five')).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(d, 1.5)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(d, true)).toMatchObject({ ok: false, code: 'invalid-type' });
  });
  it('bools accept true/false only, as booleans ("true" is a string: the wrong type)', () => {
    const d = def('sip-proxy', 'sipproxy', 'resolve-host');
    expect(checkOptionValue(d, true)).toEqual({ ok: true, value: true });
    expect(checkOptionValue(d, 'TRUE')).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(d, 'true')).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(d, false)).toEqual({ ok: true, value: false });
    expect(checkOptionValue(d, 'yes').ok).toBe(false);
    expect(checkOptionValue(d, 1).ok).toBe(false);
  });
  it('enums, ports, host:port, contacts, lists', () => {
    expect(checkOptionValue(def('trunk', 'TServer', 'peer-proxy-protocol'), 'tls').ok).toBe(true);
    expect(checkOptionValue(def('trunk', 'TServer', 'peer-proxy-protocol'), 'sctp')).toMatchObject({
      ok: false,
      allowed: 'one of udp, tcp, tls',
    });
    expect(checkOptionValue(def('trunk', 'TServer', 'peer-proxy-port-tls'), 0).ok).toBe(false);
    expect(checkOptionValue(def('voip-service', 'TServer', 'sip-port-tls'), 0).ok).toBe(true);
    expect(checkOptionValue(def('voip-service', 'TServer', 'sip-port-tls'), 65536).ok).toBe(false);
    expect(checkOptionValue(def('voip-service', 'TServer', 'external-contact'), 'anyproxy.DnsServer.com:7018').ok).toBe(true);
    expect(checkOptionValue(def('voip-service', 'TServer', 'external-contact'), 'anyproxy.DnsServer.com').ok).toBe(false);
    expect(checkOptionValue(def('extension', 'TServer', 'contact'), '100.100.100.101:5061;transport=tls').ok).toBe(true);
    expect(checkOptionValue(def('extension', 'TServer', 'contact'), 'bad host:1').ok).toBe(false);
    expect(checkOptionValue(def('sip-proxy', 'sipproxy', 'applications'), 'A, B,,C')).toEqual({ ok: true, value: ['A', 'B', 'C'] });
  });
  it('text types take strings only; enums take their values as number or text, never a boolean', () => {
    expect(checkOptionValue(def('extension', 'TServer', 'contact'), true)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('voip-service', 'TServer', 'external-contact'), 5060)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('sip-proxy', 'log', 'standard'), 5)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('sip-proxy', 'sipproxy', 'applications'), 7)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('sip-proxy', 'security', 'certificate'), 1)).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('sip-proxy', 'sipproxy', 'sipproxy-role'), '10')).toEqual({ ok: true, value: 10 });
    expect(checkOptionValue(def('sip-proxy', 'security', 'tls-mutual'), true)).toMatchObject({ ok: false, code: 'invalid-type' });
    // A one-element list used to read as its element (String(['10']) is '10'); YAML `sipproxy-role: [10]` is not a role.
    expect(checkOptionValue(def('sip-proxy', 'sipproxy', 'sipproxy-role'), ['10'])).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(checkOptionValue(def('sip-proxy', 'sipproxy', 'sipproxy-role'), { v: 10 })).toMatchObject({ ok: false, code: 'invalid-type' });
    expect(expectedType(def('extension', 'TServer', 'contact'))).toBe('a string');
    expect(expectedType(def('sip-proxy', 'sipproxy', 'oos-check'))).toMatch(/^an integer/);
    expect(expectedType(def('sip-proxy', 'sipproxy', 'resolve-host'))).toMatch(/^a boolean/);
  });
  it('parses host:port and contacts', () => {
    expect(parseHostPort('[::1]:5060')).toEqual({ host: '[::1]', port: 5060 });
    expect(parseHostPort('h:0')).toBeUndefined();
    expect(parseContact('sips:proxy.example')).toMatchObject({ host: 'proxy.example', transport: 'tls' });
    expect(parseContact('127.0.0.1:5090;transport=TCP')).toMatchObject({ host: '127.0.0.1', port: 5090, transport: 'tcp' });
    expect(parseContact('sip:1001@10.0.0.1:5070;lr')).toMatchObject({ user: '1001', host: '10.0.0.1', port: 5070, params: { lr: null } });
  });
  it('fills defaults per object and section', () => {
    const d = defaultsFor('sip-proxy', 'sipproxy');
    expect(d).toMatchObject({
      'oos-check': 5,
      'oos-force': 5,
      'overload-ctrl-dialog-rate': 0,
      'resolve-host': false,
      'sip-ip-tos': 256,
      'sip-enable-tcp-keep-alive': false,
      applications: null,
    });
    expect(defaultsFor('trunk', 'TServer')).toMatchObject({ 'peer-proxy-protocol': 'udp', 'resolve-external-contact': false });
    const all = optionsWithDefaults('sip-proxy', { sipproxy: { 'oos-check': 7, 'serving-sipserver': 'X' }, security: {} });
    expect(all.sipproxy['oos-check']).toBe(7);
    expect(all.security['tls-min-version']).toBe('TLSv1.2');
    expect(all.log.verbose).toBe('trace');
  });
});
