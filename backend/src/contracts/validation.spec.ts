import { describe, it, expect } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseConfigDocument } from './config-document.js';
import type { ConfigDocument } from './config-document.js';
import { FIXTURE_CERTS, FIXTURES_DIR, exampleDocumentText, generateConfigDocument } from '../../test/fixtures/config/index.js';
import { fileTlsMaterialCheck } from './tls-material.js';
import { validateConfigDocument } from './validation.js';
import type { ValidateOptions } from './validation.js';

const EXAMPLE = parseConfigDocument(exampleDocumentText()).doc;
const tlsCheck: ValidateOptions = { checkTlsMaterial: fileTlsMaterialCheck(FIXTURES_DIR) };

/** A fresh copy of the valid example. Indexes: apps 0 A, 1 A_backup, 2 B, 3 B_backup, 4 SIPProxy_1, 5 SIPProxy_2. */
function example(): ConfigDocument {
  return structuredClone(EXAMPLE);
}

function results(doc: ConfigDocument, opts: ValidateOptions = {}): string[] {
  return validateConfigDocument(doc, opts).map((e) => `${e.path} ${e.code}`);
}

function messages(doc: ConfigDocument, opts: ValidateOptions = {}): string[] {
  return validateConfigDocument(doc, opts).map((e) => e.message);
}

function dn(doc: ConfigDocument, s: number, d: number): Record<string, string | number | boolean> {
  return doc.switches[s].dns[d].options.TServer;
}

function proxy1(doc: ConfigDocument) {
  return doc.applications[4];
}

describe('validateConfigDocument: the example', () => {
  it('is valid, TLS material included', () => {
    expect(results(example(), tlsCheck)).toEqual([]);
  });

  it("config-format.md's example as written fails only because its trunk names a site that is not in it", () => {
    const { doc, errors } = parseConfigDocument(
      readFileSync(new URL('../../test/fixtures/config/config-format-original.yaml', import.meta.url), 'utf8'),
    );
    expect(errors).toEqual([]);
    expect(results(doc, tlsCheck)).toEqual(['switches[0].dns[1].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch']);
  });
});

describe('values against the schema', () => {
  it('reports out-of-range with the object, option and what is allowed, at the documented path', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['oos-check'] = 400;
    const errs = validateConfigDocument(doc);
    expect(errs).toEqual([
      {
        path: 'applications[4].options.sipproxy.oos-check',
        code: 'out-of-range',
        message: 'Option "oos-check" of application "SIPProxy_1" [sipproxy]: 400 is out of range; allowed: an integer from 1 to 300.',
      },
    ]);
  });

  it('checks DN options with the DN ranges (oos-force 0-30 on DNs)', () => {
    const doc = example();
    dn(doc, 0, 1)['oos-force'] = 31;
    dn(doc, 0, 0)['oos-force'] = 0;
    expect(results(doc)).toEqual(['switches[0].dns[1].options.TServer.oos-force out-of-range']);
  });

  it('flags unknown options with their own code, misplaced ones and unknown sections', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['x-custom'] = 1;
    proxy1(doc).options.sipproxy['tls-mutual'] = 1;
    proxy1(doc).options.TServer = { contact: 'x' };
    dn(doc, 0, 2)['external-contact'] = 'a:1';
    expect(results(doc)).toEqual([
      'applications[4].options.sipproxy.x-custom unknown-option',
      'applications[4].options.sipproxy.tls-mutual misplaced-option',
      'applications[4].options.TServer unknown-section',
      'switches[0].dns[2].options.TServer.external-contact misplaced-option',
    ]);
    expect(messages(doc)[1]).toMatch(/lives on sip-proxy \[security\]/);
  });

  it('accepts product extensions and checks their ranges', () => {
    const doc = example();
    Object.assign(proxy1(doc).options.sipproxy, { 'failover-timeout': 2000, 'tcp-keep-alive-idle': 30, 'flow-timer': 120 });
    proxy1(doc).options.security['tls-min-version'] = 'TLSv1.3';
    expect(results(doc)).toEqual([]);
    proxy1(doc).options.sipproxy['failover-timeout'] = 10;
    proxy1(doc).options.security['tls-min-version'] = 'TLSv1.1';
    expect(results(doc)).toEqual([
      'applications[4].options.sipproxy.failover-timeout out-of-range',
      'applications[4].options.security.tls-min-version invalid-value',
    ]);
  });

  it('reports wrong types, bad booleans, bad enums, bad contacts', () => {
    const doc = example();
    dn(doc, 0, 1)['resolve-external-contact'] = 'yes';
    dn(doc, 0, 1)['peer-proxy-protocol'] = 'sctp';
    dn(doc, 0, 0)['external-contact'] = 'no-port';
    dn(doc, 0, 2).contact = 'two words';
    expect(results(doc)).toEqual([
      'switches[0].dns[0].options.TServer.external-contact invalid-value',
      'switches[0].dns[1].options.TServer.peer-proxy-protocol invalid-value',
      'switches[0].dns[1].options.TServer.resolve-external-contact invalid-type',
      'switches[0].dns[2].options.TServer.contact invalid-value',
      // SiteA's pool no longer has a valid external-contact for SiteB's trunks to match
      'switches[1].dns[1].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch',
      'switches[1].dns[2].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch',
    ]);
  });

  it('a wrong YAML type is named with the type expected, and the value is not echoed', () => {
    const doc = example();
    dn(doc, 0, 2).contact = true;
    const e = validateConfigDocument(doc).find((x) => x.path === 'switches[0].dns[2].options.TServer.contact')!;
    expect(e.code).toBe('invalid-type');
    expect(e.message).toMatch(/^Option "contact" of DN "1001" of switch "SiteA" \[TServer\] is a boolean; expected a string: /);
  });

  it('a private key in certificate or trusted-ca is private-key-misplaced, naming the option and where it goes', () => {
    const doc = example();
    const key = '-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n';
    proxy1(doc).options.security = {
      ...proxy1(doc).options.security,
      certificate: `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${key}`,
      'trusted-ca': key,
    };
    const errors = validateConfigDocument(doc).filter((e) => e.code === 'private-key-misplaced');
    expect(errors.map((e) => e.path)).toEqual([
      'applications[4].options.security.certificate',
      'applications[4].options.security.trusted-ca',
    ]);
    expect(errors[0].message).toMatch(
      /^Option "certificate" of application "SIPProxy_1" \[security\] contains a private key; put it in certificate-key/,
    );
    expect(errors[0].message).not.toContain('AAAA');
  });

  it('reports unknown object types and port IDs', () => {
    const doc = example();
    doc.applications[0].type = 'stat-server';
    proxy1(doc).ports['sips-port'] = 5063;
    doc.switches[0].dns[2].type = 'acd-position';
    const r = results(doc);
    expect(r).toContain('applications[0].type unknown-type');
    expect(r).toContain('applications[4].ports.sips-port unknown-port');
    expect(r).toContain('switches[0].dns[2].type unknown-type');
  });
});

describe('aliases', () => {
  it('serving-sipserver and siproxy-role are read as the canonical options (SIPProxy_2 uses them)', () => {
    const doc = parseConfigDocument(exampleDocumentText().replace('serving-sipserver: SIPServer_B', 'serving-sipserver: SIPServer_Z')).doc;
    // and SiteB, whose DNs carry calls, is left with no proxy serving it
    expect(results(doc)).toEqual([
      'applications[5].options.sipproxy.servicing-sipserver unknown-reference',
      'switches[1].sip-server no-proxy-serving',
    ]);
  });
  it('siproxy-role 0 is refused under its canonical name', () => {
    const doc = parseConfigDocument(exampleDocumentText().replace('siproxy-role: 10', 'siproxy-role: 0')).doc;
    expect(results(doc)).toEqual(['applications[5].options.sipproxy.sipproxy-role unsupported-role']);
  });
});

describe('sipproxy-role', () => {
  it('0 is refused, saying only 10 is served', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['sipproxy-role'] = 0;
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => e.code)).toEqual(['unsupported-role']);
    expect(errs[0].message).toMatch(/engineering/);
    expect(errs[0].message).toMatch(/only 10 \(standalone mode\) is served/);
  });
  it('missing is refused (its documented default is 0)', () => {
    const doc = example();
    delete proxy1(doc).options.sipproxy['sipproxy-role'];
    expect(results(doc)).toEqual(['applications[4].options.sipproxy.sipproxy-role required']);
  });
  it('other values are not valid', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['sipproxy-role'] = 5;
    expect(results(doc)).toEqual(['applications[4].options.sipproxy.sipproxy-role invalid-value']);
  });
});

describe('names and references', () => {
  it('application, switch and DN names are unique', () => {
    const doc = example();
    doc.applications.push({ ...structuredClone(doc.applications[3]) });
    doc.switches.push({
      name: 'SiteA',
      sipServer: 'SIPServer_A',
      dns: [...structuredClone(doc.switches[0].dns), structuredClone(doc.switches[0].dns[2])],
    });
    const r = results(doc);
    expect(r).toContain('applications[6].name duplicate-name');
    expect(r).toContain('switches[2].name duplicate-name');
    expect(r).toContain('switches[2].dns[4].number duplicate-name');
  });

  it('names are unique regardless of case: the error names the one already there', () => {
    const doc = example();
    doc.applications.push({ ...structuredClone(doc.applications[4]), name: 'sipproxy_1' });
    doc.switches.push({ name: 'sitea', sipServer: 'SIPServer_A', dns: [] });
    doc.switches[0].dns.push({ ...structuredClone(doc.switches[0].dns[0]), number: 'SIPPROXY-POOL' });
    const errors = validateConfigDocument(doc).filter((e) => e.code === 'duplicate-name');
    const by = (path: string) => errors.find((e) => e.path === path)?.message;
    expect(by('applications[6].name')).toMatch(
      /"sipproxy_1" is already used by "SIPProxy_1" \(at applications\[4\]\) \(names differ only in case\)/,
    );
    expect(by('switches[2].name')).toMatch(/"sitea" is already used by "SiteA"/);
    expect(by('switches[0].dns[4].number')).toMatch(
      /already defined as DN "sipproxy-pool" \(at switches\[0\]\.dns\[0\]\) \(names differ only in case\)/,
    );
  });

  it('servicing-sipserver must be one of applications', () => {
    const doc = example();
    proxy1(doc).options.sipproxy.applications = 'SIPServer_B';
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual([
      'applications[4].options.sipproxy.applications pair-not-monitored',
      'applications[4].options.sipproxy.servicing-sipserver unknown-reference',
    ]);
    expect(errs[0].message).toMatch(/does not list the primary SIP Server "SIPServer_A"/);
    expect(errs[1].message).toMatch(/not in its applications \(SIPServer_B\)/);
  });

  it('applications and servicing-sipserver are required and must name primary sip-servers', () => {
    const doc = example();
    proxy1(doc).options.sipproxy.applications = 'SIPServer_A,SIPServer_A_backup,SIPProxy_2,Nope';
    delete doc.applications[5].options.sipproxy['servicing-sipserver'];
    delete doc.applications[5].options.sipproxy.applications;
    expect(results(doc)).toEqual([
      'applications[4].options.sipproxy.applications not-a-primary',
      'applications[4].options.sipproxy.applications wrong-reference-type',
      'applications[4].options.sipproxy.applications unknown-reference',
      'applications[4].options.sipproxy.applications pair-not-monitored',
      'applications[5].options.sipproxy.applications required',
      'applications[5].options.sipproxy.servicing-sipserver required',
      // SiteB's pool is now empty of proxies, and SiteB has trunks to carry
      'switches[1].sip-server no-proxy-serving',
    ]);
  });

  it("a proxy's pool must be described by a sip-outbound-proxy DN of a switch its servicing-sipserver serves", () => {
    const doc = example();
    doc.switches[1].dns[0].options.TServer['service-type'] = 'softswitch';
    const r = results(doc);
    expect(r).toContain('applications[5].options.sipproxy.servicing-sipserver pool-not-described');
    expect(r).toContain('switches[1].dns outbound-proxy-dn-count');
  });

  it('every proxy lists every primary SIP Server of the environment (each proxy monitors every pair)', () => {
    const doc = example();
    doc.applications[5].options.sipproxy.applications = 'SIPServer_B';
    expect(results(doc)).toEqual(['applications[5].options.sipproxy.applications pair-not-monitored']);
  });

  it('two switches cannot share a pool external-contact', () => {
    const doc = example();
    dn(doc, 1, 0)['external-contact'] = 'proxy.site-a.example:5060';
    const r = results(doc);
    expect(r).toContain('switches[1].dns[0].options.TServer.external-contact duplicate-name');
  });

  it("a backup must exist, be a sip-server, be no one else's backup and have no backup itself", () => {
    const doc = example();
    doc.applications[0].backup = 'Missing';
    expect(results(doc)).toEqual(['applications[0].backup unknown-reference']);
    doc.applications[0].backup = 'SIPProxy_1';
    expect(results(doc)).toEqual(['applications[0].backup wrong-reference-type']);
    doc.applications[0].backup = 'SIPServer_B_backup';
    // shared, and SIPServer_B_backup's sip-port (5170) is not SIPServer_A's (5070)
    expect(results(doc)).toEqual(['applications[2].backup backup-shared', 'applications[3].ports.sip-port ha-sip-port-mismatch']);
    doc.applications[0].backup = 'SIPServer_A';
    expect(results(doc)).toEqual(['applications[0].backup wrong-reference-type']);
  });

  it("a switch's sip-server must exist and be a primary sip-server", () => {
    const doc = example();
    // (and SIPProxy_1's pool, serving SIPServer_A, is then described by no switch)
    const lost = 'applications[4].options.sipproxy.servicing-sipserver pool-not-described';
    doc.switches[0].sipServer = 'Nope';
    expect(results(doc)).toEqual([lost, 'switches[0].sip-server unknown-reference']);
    doc.switches[0].sipServer = 'SIPServer_A_backup';
    expect(results(doc)).toEqual([lost, 'switches[0].sip-server not-a-primary']);
    delete doc.switches[0].sipServer;
    expect(results(doc)).toEqual([lost, 'switches[0].sip-server required']);
  });

  it('applications need a host; SIP Servers and proxies a sip-port', () => {
    const doc = example();
    delete doc.applications[1].host;
    delete doc.applications[1].ports['sip-port'];
    expect(results(doc)).toEqual(['applications[1].host required', 'applications[1].ports.sip-port required']);
  });
});

describe('SIP Server and proxy addresses', () => {
  it('sip-address must be an IP address', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['sip-address'] = 'proxy-host';
    doc.applications[0].options.TServer = { 'sip-address': '127.0.0.1', 'sip-outbound-proxy': true };
    doc.applications[1].options.TServer = { 'sip-address': '::1x' };
    expect(results(doc)).toEqual([
      'applications[1].options.TServer.sip-address invalid-value',
      'applications[4].options.sipproxy.sip-address invalid-value',
    ]);
  });

  it('sip-outbound-proxy / sip-enable-rfc3263 / sip-enable-gdns false on a SIP Server is refused', () => {
    const doc = example();
    doc.applications[2].options.TServer = { 'sip-outbound-proxy': false, 'sip-enable-rfc3263': true, 'sip-enable-gdns': false };
    expect(results(doc)).toEqual([
      'applications[2].options.TServer.sip-outbound-proxy invalid-value',
      'applications[2].options.TServer.sip-enable-gdns invalid-value',
    ]);
  });
});

describe('HA pairs and pools', () => {
  it('both servers of an HA pair have the same sip-port', () => {
    const doc = example();
    doc.applications[1].ports['sip-port'] = 5071;
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['applications[1].ports.sip-port ha-sip-port-mismatch']);
    expect(errs[0].message).toMatch(/primary "SIPServer_A" has 5070, backup "SIPServer_A_backup" has 5071/);
  });

  it('every proxy of a pool has the same TLS port', () => {
    const doc = example();
    const p3 = structuredClone(proxy1(doc));
    p3.name = 'SIPProxy_3';
    p3.host = '127.0.0.3';
    p3.ports['tls-port'] = 5062;
    doc.applications.push(p3);
    const r = results(doc);
    expect(r).toContain('applications[6].ports.tls-port pool-tls-port-mismatch');
    // and the sip-outbound-proxy DN's sip-port-tls now disagrees with SIPProxy_3
    expect(r).toContain('switches[0].dns[0].options.TServer.sip-port-tls tls-port-mismatch');
    p3.ports['tls-port'] = 5061;
    expect(results(doc)).toEqual([]);
  });

  it('names and DN numbers hold no control or bidi characters, no / and are not over-long', () => {
    for (const bad of ['A\r\nB', 'A\u0000B', 'evil\u202Etxt', 'a/b', 'a\\b']) {
      const doc = example();
      doc.applications[0].name = bad;
      doc.switches[1].name = bad;
      doc.switches[0].dns[3].number = bad;
      expect(results(doc), JSON.stringify(bad)).toEqual(
        expect.arrayContaining([
          'applications[0].name invalid-value',
          'switches[1].name invalid-value',
          'switches[0].dns[3].number invalid-value',
        ]),
      );
    }
    const doc = example();
    doc.switches[1].name = 'S'.repeat(65);
    doc.switches[0].dns[3].number = '9'.repeat(128);
    expect(results(doc)).toContain('switches[1].name invalid-value');
    expect(results(doc)).not.toContain('switches[0].dns[3].number invalid-value');
  });

  it('a host is a host name or an IP address: spaces, CR/LF or NUL would reach Via and Record-Route', () => {
    for (const host of ['two words', 'h.example\r\nInjected: 1', 'h\u0000x', 'evil\u202Etxt', 'abc:5060']) {
      const doc = example();
      doc.applications[1].host = host;
      expect(results(doc), JSON.stringify(host)).toEqual(['applications[1].host invalid-value']);
    }
    for (const host of ['sip-b.example.com', '10.0.0.2', '::2', '[2001:db8::2]']) {
      const doc = example();
      doc.applications[1].host = host;
      expect(results(doc), host).not.toContain('applications[1].host invalid-value');
    }
  });

  it('two listeners cannot share a host and port', () => {
    const doc = example();
    doc.applications[5].ports['http-port'] = 8091; // SIPProxy_1's http-port, same host
    doc.applications[4].ports['http-port'] = 5061; // its own tls-port
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['applications[4].ports.http-port port-conflict']);
    doc.applications[4].ports['http-port'] = 8091;
    expect(results(doc)).toEqual(['applications[5].ports.http-port port-conflict']);
    doc.applications[5].host = '127.0.0.5';
    expect(results(doc)).toEqual([]);
  });

  it('the pool listens on the external-contact port', () => {
    const doc = example();
    proxy1(doc).ports['sip-port'] = 5064;
    expect(results(doc)).toEqual(['switches[0].dns[0].options.TServer.external-contact pool-sip-port-mismatch']);
  });
});

describe('the sip-outbound-proxy VoIP Service DN', () => {
  it('one per switch: none and two are both refused', () => {
    const doc = example();
    doc.switches[1].dns.push(structuredClone(doc.switches[1].dns[0]));
    doc.switches[1].dns[3].number = 'pool-2';
    expect(results(doc)).toEqual(['switches[1].dns[3].options.TServer.service-type outbound-proxy-dn-count']);
    doc.switches[1].dns.splice(0, 1);
    doc.switches[1].dns.splice(2, 1);
    const r = results(doc);
    expect(r).toContain('switches[1].dns outbound-proxy-dn-count');
    expect(r).toContain('applications[5].options.sipproxy.servicing-sipserver pool-not-described');
    // SiteA's trunk now points at an external-contact nobody has
    expect(r).toContain('switches[0].dns[1].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch');
  });

  it('an empty switch is allowed (the control plane builds a site edit by edit), a new site need not be monitored yet', () => {
    const doc = example();
    doc.applications.push(
      {
        name: 'SIPServer_C',
        type: 'sip-server',
        host: '127.0.0.1',
        ports: { 'sip-port': 5270 },
        backup: 'SIPServer_C_backup',
        options: {},
      },
      { name: 'SIPServer_C_backup', type: 'sip-server', host: '127.0.0.2', ports: { 'sip-port': 5270 }, options: {} },
    );
    doc.switches.push({ name: 'SiteC', sipServer: 'SIPServer_C', dns: [] });
    expect(results(doc)).toEqual([]);
    // once its pool is described, every proxy must monitor the pair
    doc.switches[2].dns.push({
      number: 'pool',
      type: 'voip-service',
      options: {
        TServer: {
          'service-type': 'sip-outbound-proxy',
          contact: 'proxy.site-c.example',
          'external-contact': 'proxy.site-c.example:5260',
          'oos-check': 5,
          'oos-force': 5,
        },
      },
    });
    expect(results(doc)).toEqual([
      'applications[4].options.sipproxy.applications pair-not-monitored',
      'applications[5].options.sipproxy.applications pair-not-monitored',
    ]);
    doc.applications[4].options.sipproxy.applications += ',SIPServer_C';
    doc.applications[5].options.sipproxy.applications += ',SIPServer_C';
    expect(results(doc)).toEqual([]);
  });

  it('oos-check and oos-force are mandatory and oos-check must not be 0', () => {
    const doc = example();
    delete dn(doc, 0, 0)['oos-check'];
    delete dn(doc, 0, 0)['oos-force'];
    expect(results(doc)).toEqual([
      'switches[0].dns[0].options.TServer.oos-check required',
      'switches[0].dns[0].options.TServer.oos-force required',
    ]);
    dn(doc, 0, 0)['oos-check'] = 0;
    dn(doc, 0, 0)['oos-force'] = 5;
    expect(results(doc)).toEqual(['switches[0].dns[0].options.TServer.oos-disabled'.replace('.oos-disabled', '.oos-check oos-disabled')]);
  });

  it('contact and external-contact are mandatory', () => {
    const doc = example();
    delete dn(doc, 1, 0).contact;
    delete dn(doc, 1, 0)['external-contact'];
    const r = results(doc);
    expect(r).toContain('switches[1].dns[0].options.TServer.contact required');
    expect(r).toContain('switches[1].dns[0].options.TServer.external-contact required');
  });

  it("sip-port-tls equals the pool's tls-port", () => {
    const doc = example();
    dn(doc, 0, 0)['sip-port-tls'] = 5065;
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['switches[0].dns[0].options.TServer.sip-port-tls tls-port-mismatch']);
    expect(errs[0].message).toMatch(/sip-port-tls 5065 but SIP Proxy "SIPProxy_1" of its pool has tls-port 5061/);
    dn(doc, 0, 0)['sip-port-tls'] = 0; // TLS disabled toward SIP Server: fine
    expect(results(doc)).toEqual([]);
  });

  it(';transport=tls needs sip-port-tls, a tls-port on every proxy of the pool and on both SIP Servers', () => {
    const doc = example();
    dn(doc, 1, 0).contact = 'proxy.site-b.example;transport=tls';
    expect(results(doc)).toEqual([
      // SiteA's trunk to SiteB still says udp (P18: the remote site uses TLS internally)
      'switches[0].dns[1].options.TServer.peer-proxy-protocol peer-proxy-tls',
      'switches[1].dns[0].options.TServer.sip-port-tls tls-port-required',
      'applications[2].ports.tls-port tls-port-required',
      'applications[3].ports.tls-port tls-port-required',
      'applications[5].ports.tls-port tls-port-required',
    ]);
  });

  it('TLS as the internal protocol, fully configured, is valid', () => {
    const doc = example();
    dn(doc, 0, 0).contact = 'proxy.site-a.example;transport=tls';
    doc.applications[0].ports['tls-port'] = 5071;
    doc.applications[1].ports['tls-port'] = 5071;
    // SiteB's trunks reach a site that uses TLS internally: they must say so (guide, multi-site TLS)
    expect(results(doc, tlsCheck)).toEqual([
      'switches[1].dns[1].options.TServer.peer-proxy-protocol peer-proxy-tls',
      'switches[1].dns[2].options.TServer.peer-proxy-protocol peer-proxy-tls',
    ]);
    for (const d of [1, 2]) Object.assign(dn(doc, 1, d), { 'peer-proxy-protocol': 'tls', 'peer-proxy-port-tls': 5061 });
    expect(results(doc, tlsCheck)).toEqual([]);
  });
});

describe('multi-site trunks', () => {
  it('peer-proxy-contact matches the remote VoIP Service DN external-contact', () => {
    const doc = example();
    dn(doc, 0, 1)['peer-proxy-contact'] = 'proxy.site-b.example:5999';
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual([
      'switches[0].dns[1].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch',
    ]);
    expect(errs[0].message).toMatch(/known: "proxy.site-b.example:5160" \(switch "SiteB"\)/);
    dn(doc, 0, 1)['peer-proxy-contact'] = 'PROXY.site-b.example:5160'; // host names are case-insensitive
    expect(results(doc)).toEqual([]);
  });

  it("peer-proxy-contact naming the switch's own pool is refused", () => {
    const doc = example();
    dn(doc, 0, 1)['peer-proxy-contact'] = 'proxy.site-a.example:5060';
    expect(results(doc)).toEqual(['switches[0].dns[1].options.TServer.peer-proxy-contact peer-proxy-contact-mismatch']);
  });

  it('oos-check/oos-force/contact are mandatory on multi-site trunks, oos-check not 0', () => {
    const doc = example();
    delete dn(doc, 1, 1)['oos-check'];
    delete dn(doc, 1, 1)['oos-force'];
    delete dn(doc, 1, 2).contact;
    dn(doc, 0, 1)['oos-check'] = 0;
    expect(results(doc)).toEqual([
      'switches[0].dns[1].options.TServer.oos-check oos-disabled',
      'switches[1].dns[1].options.TServer.oos-check required',
      'switches[1].dns[1].options.TServer.oos-force required',
      'switches[1].dns[2].options.TServer.contact required',
    ]);
  });

  it('resolve-external-contact true on every trunk with peer-proxy-contact; replace-uri-contact true in DNS mode', () => {
    const doc = example();
    dn(doc, 0, 1)['replace-uri-contact'] = false;
    delete dn(doc, 1, 1)['resolve-external-contact'];
    dn(doc, 1, 2)['resolve-external-contact'] = false;
    expect(results(doc)).toEqual([
      'switches[0].dns[1].options.TServer.replace-uri-contact invalid-value',
      'switches[1].dns[1].options.TServer.resolve-external-contact required',
      'switches[1].dns[2].options.TServer.resolve-external-contact invalid-value',
    ]);
    // host:port contacts (one trunk per remote server) do not need replace-uri-contact
    expect(dn(doc, 1, 1)['replace-uri-contact']).toBeUndefined();
  });

  it('a trunk without peer-proxy-contact is not a multi-site trunk and needs none of that', () => {
    const doc = example();
    doc.switches[0].dns.push({ number: 'gw', type: 'trunk', options: { TServer: { contact: '192.0.2.1:5060' } } });
    expect(results(doc)).toEqual([]);
  });

  it(';transport=tls on a trunk needs peer-proxy-protocol tls and peer-proxy-port-tls equal to the remote TLS port', () => {
    const doc = example();
    dn(doc, 1, 1).contact = '127.0.0.1:5070;transport=tls';
    expect(results(doc)).toEqual([
      'switches[1].dns[1].options.TServer.peer-proxy-protocol peer-proxy-tls',
      'switches[1].dns[1].options.TServer.peer-proxy-port-tls peer-proxy-tls',
    ]);
    dn(doc, 1, 1)['peer-proxy-protocol'] = 'tls';
    dn(doc, 1, 1)['peer-proxy-port-tls'] = 5099;
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['switches[1].dns[1].options.TServer.peer-proxy-port-tls tls-port-mismatch']);
    expect(errs[0].message).toMatch(/proxies of switch "SiteA" listen for TLS on 5061/);
    dn(doc, 1, 1)['peer-proxy-port-tls'] = 5061;
    expect(results(doc)).toEqual([]);
  });

  it('peer-proxy-protocol tls toward a site whose pool has no TLS port is refused', () => {
    const doc = example();
    Object.assign(dn(doc, 0, 1), { 'peer-proxy-protocol': 'tls', 'peer-proxy-port-tls': 5161 });
    expect(results(doc)).toEqual(['switches[0].dns[1].options.TServer.peer-proxy-protocol peer-proxy-tls']);
    delete dn(doc, 0, 1)['peer-proxy-port-tls'];
    expect(results(doc)).toContain('switches[0].dns[1].options.TServer.peer-proxy-port-tls peer-proxy-tls');
  });
});

describe('extensions', () => {
  it(';transport=tls needs a tls-port on the proxies serving the switch', () => {
    const doc = example();
    doc.switches[1].dns.push({ number: '2001', type: 'extension', options: { TServer: { contact: '127.0.0.1:5093;transport=tls' } } });
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['switches[1].dns[3].options.TServer.contact tls-port-required']);
    expect(errs[0].message).toMatch(/SIP Proxy "SIPProxy_2".*has no tls-port/);
  });
});

describe('TLS on the proxy', () => {
  it('TLS without TCP (no sip-port) is refused', () => {
    const doc = example();
    delete proxy1(doc).ports['sip-port'];
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toContain('applications[4].ports.sip-port tls-without-tcp');
    expect(errs.find((e) => e.code === 'tls-without-tcp')!.message).toMatch(/TLS runs over TCP/);
  });

  it('a tls-port needs certificate and certificate-key', () => {
    const doc = example();
    delete proxy1(doc).options.security.certificate;
    delete proxy1(doc).options.security['certificate-key'];
    expect(results(doc, tlsCheck)).toEqual([
      'applications[4].options.security.certificate required',
      'applications[4].options.security.certificate-key required',
    ]);
  });

  it('http-client-ca (mutual TLS on the management port) needs the certificate and key it serves HTTPS with', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['http-client-ca'] = './certs/ca.pem';
    expect(results(doc)).toEqual([]);
    delete proxy1(doc).options.security.certificate;
    delete proxy1(doc).options.security['certificate-key'];
    // Without a tls-port (else the tls-port rule says it, once), and without the DN that asks for TLS.
    delete proxy1(doc).ports['tls-port'];
    expect(results(doc).filter((r) => !r.includes('tls-port-required'))).toEqual([
      'applications[4].options.security.certificate required',
      'applications[4].options.security.certificate-key required',
    ]);
  });

  it('tls-mutual 1 needs trusted-ca', () => {
    const doc = example();
    proxy1(doc).options.security['tls-mutual'] = 1;
    expect(results(doc)).toEqual([]);
    delete proxy1(doc).options.security['trusted-ca'];
    expect(results(doc)).toEqual(['applications[4].options.security.trusted-ca trusted-ca-required']);
  });

  it('certificate and key must load and match (paths relative to the base dir, or inline PEM)', () => {
    const doc = example();
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    proxy1(doc).options.security['certificate-key'] = otherKey;
    expect(results(doc)).toEqual([]); // not checked unless asked
    const errs = validateConfigDocument(doc, tlsCheck);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['applications[4].options.security.certificate-key tls-material']);
    expect(errs[0].message).toMatch(/does not match certificate/);
    proxy1(doc).options.security['certificate-key'] = readFileSync(FIXTURE_CERTS.proxyKey, 'utf8');
    proxy1(doc).options.security.certificate = readFileSync(FIXTURE_CERTS.proxyCert, 'utf8');
    expect(results(doc, tlsCheck)).toEqual([]);
  });

  it('unreadable or malformed material is reported per option', () => {
    const doc = example();
    proxy1(doc).options.security.certificate = './certs/missing.pem';
    proxy1(doc).options.security['trusted-ca'] = './certs/proxy.key';
    expect(results(doc, tlsCheck)).toEqual([
      'applications[4].options.security.certificate tls-material',
      'applications[4].options.security.trusted-ca tls-material',
    ]);
    expect(results(doc, { checkTlsMaterial: fileTlsMaterialCheck('/nonexistent') })).toContain(
      'applications[4].options.security.certificate-key tls-material',
    );
  });

  it('a throwing checker is reported, not thrown', () => {
    const doc = example();
    const errs = validateConfigDocument(doc, {
      checkTlsMaterial: () => {
        throw new Error('boom');
      },
    });
    expect(errs.map((e) => e.code)).toEqual(['tls-material']);
  });
});

describe('robustness', () => {
  it('empty names, numbers and types are required (documents built in code, not only parsed ones)', () => {
    const doc = example();
    doc.applications[3].name = ' ';
    doc.switches[1].name = '';
    doc.switches[1].dns[2].number = '';
    doc.switches[1].dns[1].type = '';
    const r = results(doc);
    expect(r).toContain('applications[3].name required');
    expect(r).toContain('switches[1].name required');
    expect(r).toContain('switches[1].dns[2].number required');
    expect(r).toContain('switches[1].dns[1].type required');
  });

  it('loadConfigDocument reports a missing name once', async () => {
    const { loadConfigDocument } = await import('./load.js');
    const { errors } = loadConfigDocument('applications:\n  - type: sip-server\n    host: h\n    ports: { sip-port: 5070 }\n');
    expect(errors.map((e) => `${e.path} ${e.code}`)).toEqual(['applications[0].name required']);
  });

  it('never throws, even on a document that breaks the types', () => {
    const bad = { version: 1, applications: [null], switches: 'x' } as unknown as ConfigDocument;
    expect(() => validateConfigDocument(bad)).not.toThrow();
    expect(validateConfigDocument(bad).length).toBeGreaterThan(0);
  });

  it('an alias and its canonical name together are a duplicate (documents built in code)', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['serving-sipserver'] = 'SIPServer_B';
    expect(results(doc)).toEqual(['applications[4].options.sipproxy.servicing-sipserver duplicate-option']);
    delete proxy1(doc).options.sipproxy['servicing-sipserver'];
    proxy1(doc).options.sipproxy['serving-sipserver'] = 'SIPServer_A';
    expect(results(doc)).toEqual([]); // the alias alone is the option
  });

  it('a section that is not a mapping is reported, the rest still validated', () => {
    const doc = example();
    (proxy1(doc).options as Record<string, unknown>).log = null;
    doc.applications[0].ports['sip-port'] = 1;
    expect(results(doc)).toEqual(['applications[4].options.log invalid-structure', 'applications[1].ports.sip-port ha-sip-port-mismatch']);
  });

  it('reports every error, not the first', () => {
    const doc = example();
    proxy1(doc).options.sipproxy['oos-check'] = 'x';
    proxy1(doc).options.sipproxy['oos-force'] = 99;
    dn(doc, 0, 0)['oos-force'] = -1;
    doc.applications[3].ports['sip-port'] = 1;
    expect(results(doc).length).toBe(4);
  });
});

describe('scale', () => {
  it('validates 10,000 DNs x 10 options in linear time (timing printed, not asserted)', () => {
    const doc = generateConfigDocument({ switches: 10, dnsPerSwitch: 1000, dnKind: 'trunk', unknownOptionPerDn: true });
    const valid = generateConfigDocument({ switches: 10, dnsPerSwitch: 1000, dnKind: 'trunk' });
    validateConfigDocument(valid); // warm-up (JIT) of both paths
    validateConfigDocument(doc);
    // CPU time as well as wall time: the wall clock depends on what else runs on the machine.
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const errs = validateConfigDocument(doc);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const none = validateConfigDocument(valid);
    const t2 = performance.now();
    const c2 = process.cpuUsage(c0);
    const cpu = (c: NodeJS.CpuUsage): string => ((c.user + c.system) / 1000).toFixed(1);
    console.log(
      `validate 10,000 DNs x 10 options (10,000 unknown-option errors): ${(t1 - t0).toFixed(1)} ms wall, ${cpu(c1)} ms CPU; ` +
        `10,000 DNs x 9 options, valid: ${(t2 - t1).toFixed(1)} ms wall, ${((c2.user + c2.system - c1.user - c1.system) / 1000).toFixed(1)} ms CPU`,
    );
    expect(errs.length).toBe(10_000);
    expect(new Set(errs.map((e) => e.code))).toEqual(new Set(['unknown-option']));
    expect(none).toEqual([]);
  }, 60_000);
});

describe('prose rules of the guide (docs/config-format.md, "Rules")', () => {
  it('an HA pair needs two servers: a sip-server used as a primary must name its backup', () => {
    const doc = example();
    delete doc.applications[2].backup; // SIPServer_B, used by SiteB and by both proxies
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['applications[2].backup ha-pair-incomplete']);
    expect(errs[0].message).toMatch(
      /SIP Server "SIPServer_B" is used as the primary of an HA pair \(by switch "SiteB"\) but names no backup/,
    );
    // a server nobody uses yet may stand alone (a pair is built edit by edit)
    const lone = example();
    lone.applications.push({ name: 'SIPServer_C', type: 'sip-server', host: '127.0.0.3', ports: { 'sip-port': 5270 }, options: {} });
    expect(results(lone)).toEqual([]);
  });

  it('request-uri must hold host, port and transport', () => {
    const doc = example();
    dn(doc, 0, 2)['request-uri'] = 'sip:1001@127.0.0.1;transport=tcp';
    dn(doc, 0, 1)['request-uri'] = 'sip:sipserver.site-b.example:5170';
    dn(doc, 1, 1)['request-uri'] = 'sip:sipserver.site-a.example';
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual([
      'switches[0].dns[1].options.TServer.request-uri request-uri-incomplete',
      'switches[0].dns[2].options.TServer.request-uri request-uri-incomplete',
      'switches[1].dns[1].options.TServer.request-uri request-uri-incomplete',
    ]);
    expect(errs.map((e) => e.message)).toEqual([
      expect.stringMatching(/without transport;/),
      expect.stringMatching(/without port;/),
      expect.stringMatching(/without port and transport;/),
    ]);
    dn(doc, 0, 2)['request-uri'] = 'sip:1001@127.0.0.1:5090;transport=tcp';
    dn(doc, 0, 1)['request-uri'] = 'sip:sipserver.site-b.example:5170;transport=udp';
    dn(doc, 1, 1)['request-uri'] = 'sips:sipserver.site-a.example:5071'; // sips: means transport tls
    expect(results(doc)).toEqual([]);
  });

  it('a trunk toward a site that uses TLS internally must say peer-proxy-protocol tls (P18)', () => {
    const doc = example();
    dn(doc, 1, 0).contact = 'proxy.site-b.example;transport=tls';
    dn(doc, 1, 0)['sip-port-tls'] = 5161;
    doc.applications[5].ports['tls-port'] = 5161;
    doc.applications[5].options.security = structuredClone(proxy1(doc).options.security);
    doc.applications[2].ports['tls-port'] = 5171;
    doc.applications[3].ports['tls-port'] = 5171;
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['switches[0].dns[1].options.TServer.peer-proxy-protocol peer-proxy-tls']);
    expect(errs[0].message).toMatch(
      /reaches switch "SiteB", whose SIP Server and proxies use TLS internally .*peer-proxy-protocol must be tls \(it is "udp"\)/,
    );
    Object.assign(dn(doc, 0, 1), { 'peer-proxy-protocol': 'tls', 'peer-proxy-port-tls': 5161 });
    expect(results(doc)).toEqual([]);
  });

  it('a Business Continuity deployment must use DNS resolution on its multi-site trunks', () => {
    const doc = example();
    // SiteB's trunks to SiteA are per-server (contact host:port): fine until one of the pairs says it is Business Continuity
    doc.applications[0].options.TServer = { 'business-continuity': true };
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual([
      'switches[1].dns[1].options.TServer.contact dns-resolution-required',
      'switches[1].dns[2].options.TServer.contact dns-resolution-required',
    ]);
    expect(errs[0].message).toMatch(
      /switch "SiteA" \(SIP Server "SIPServer_A"\) is part of a Business Continuity deployment, which must use DNS resolution/,
    );
    // the same from the other side: SiteB is Business Continuity, its own trunks are per-server
    doc.applications[0].options.TServer = {};
    doc.applications[2].options.TServer = { 'business-continuity': true };
    expect(results(doc)).toEqual([
      'switches[1].dns[1].options.TServer.contact dns-resolution-required',
      'switches[1].dns[2].options.TServer.contact dns-resolution-required',
    ]);
    // DNS-resolution mode: one trunk, the FQDN of the remote pair's SRV records
    doc.switches[1].dns.splice(2, 1);
    Object.assign(dn(doc, 1, 1), { contact: 'sipserver.site-a.example', 'replace-uri-contact': true });
    expect(results(doc)).toEqual([]);
  });

  it('a switch with DNs to carry needs a proxy serving it', () => {
    const doc = example();
    doc.applications.splice(5, 1); // SIPProxy_2, SiteB's only proxy
    proxy1(doc).options.sipproxy.applications = 'SIPServer_A,SIPServer_B';
    const errs = validateConfigDocument(doc);
    expect(errs.map((e) => `${e.path} ${e.code}`)).toEqual(['switches[1].sip-server no-proxy-serving']);
    expect(errs[0].message).toBe(
      'switch "SiteB" has DNs but no SIP Proxy serves it: add a sip-proxy application with [sipproxy] servicing-sipserver "SIPServer_B".',
    );
    // the sip-outbound-proxy DN alone is allowed: a proxy can only be added once it describes the pool
    doc.switches[1].dns.splice(1);
    expect(results(doc)).toEqual([]);
  });
});
