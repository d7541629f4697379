import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseConfigDocument } from './config-document.js';
import type { ConfigDocument } from './config-document.js';
import {
  ALL_INTERFACES,
  EFFECTIVE_CONFIG_SCHEMA_VERSION,
  EffectiveConfigError,
  compileEffectiveConfig,
  proxyApplicationNames,
} from './effective-config.js';
import { FIXTURE_CERTS, FIXTURES_DIR, exampleDocumentText, generateConfigDocument } from '../../test/fixtures/config/index.js';

const EXAMPLE = parseConfigDocument(exampleDocumentText()).doc;
function example(): ConfigDocument {
  return structuredClone(EXAMPLE);
}

describe('compileEffectiveConfig', () => {
  it('gives SIPProxy_1 its listen ports, transports and serving pair', () => {
    const c = compileEffectiveConfig(example(), 'SIPProxy_1');
    expect(c.schemaVersion).toBe(EFFECTIVE_CONFIG_SCHEMA_VERSION);
    expect(c.application).toEqual({
      name: 'SIPProxy_1',
      host: '127.0.0.1',
      listenHost: '*',
      advertisedHost: '127.0.0.1',
      sipPort: 5060,
      tlsPort: 5061,
      httpPort: 8091,
      transports: ['udp', 'tcp', 'tls'],
    });
    expect(c.servingPair).toBe('SIPServer_A');
    expect(c.poolPeers).toEqual([]);
  });

  it('fills every option with its default', () => {
    const c = compileEffectiveConfig(example(), 'SIPProxy_2');
    expect(c.options.sipproxy).toMatchObject({
      applications: ['SIPServer_A', 'SIPServer_B'],
      'servicing-sipserver': 'SIPServer_B',
      'sipproxy-role': 10,
      'oos-check': 5,
      'oos-force': 5,
      'overload-ctrl-dialog-rate': 0,
      'resolve-host': false,
      'sip-address': null,
      'sip-ip-tos': 256,
      'sip-enable-tcp-keep-alive': false,
      'failover-timeout': 1000,
      'tcp-keep-alive-idle': 60,
      'flow-timer-grace-period': 30,
      'persistent-next-hop-connection': true,
    });
    expect(c.options.security).toMatchObject({
      'sip-tls-sec-protocol': 'SSLv23',
      'tls-mutual': 0,
      'tls-min-version': 'TLSv1.2',
      'verify-server-certificate': true,
    });
    expect(c.options.log.verbose).toBe('trace');
    expect(c.tls).toBeUndefined();
    expect(c.application.transports).toEqual(['udp', 'tcp']);
  });

  it('lists the HA pairs it monitors, each primary with its backup and the oos timers in force', () => {
    const doc = example();
    doc.applications[4].options.sipproxy['oos-check'] = 7;
    const c = compileEffectiveConfig(doc, 'SIPProxy_1');
    expect(c.haPairs).toEqual([
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host: '127.0.0.1', sipPort: 5070 },
        backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', sipPort: 5070 },
        oosCheck: 7,
        oosForce: 5,
        serving: true,
        switches: ['SiteA'],
      },
      {
        name: 'SIPServer_B',
        primary: { name: 'SIPServer_B', host: '127.0.0.1', sipPort: 5170 },
        backup: { name: 'SIPServer_B_backup', host: '127.0.0.2', sipPort: 5170 },
        oosCheck: 7,
        oosForce: 5,
        serving: false,
        switches: ['SiteB'],
      },
    ]);
  });

  it("carries the switches' routing DNs", () => {
    const c = compileEffectiveConfig(example(), 'SIPProxy_1');
    const [a, b] = c.switches;
    expect(a.outboundProxy).toMatchObject({
      number: 'sipproxy-pool',
      contact: { value: 'proxy.site-a.example', host: 'proxy.site-a.example' },
      externalContact: 'proxy.site-a.example:5060',
      sipPortTls: 5061,
      internalTransport: 'udp',
      oosCheck: 5,
      oosForce: 5,
    });
    expect(a.trunks).toMatchObject([
      {
        number: 'to-site-b',
        contact: { value: 'sipserver.site-b.example', host: 'sipserver.site-b.example' },
        peerProxyContact: 'proxy.site-b.example:5160',
        peerProxyProtocol: 'udp',
        remoteSwitch: 'SiteB',
        resolveExternalContact: true,
        replaceUriContact: true,
        oosCheck: 5,
        oosForce: 5,
      },
    ]);
    expect(a.extensions).toMatchObject([
      { number: '1001', contact: { value: '127.0.0.1:5090;transport=tcp', host: '127.0.0.1', port: 5090, transport: 'tcp' } },
      { number: '1002', contact: { value: '127.0.0.1:5091;transport=tls', host: '127.0.0.1', port: 5091, transport: 'tls' } },
    ]);
    // Every DN carries its [TServer] options with defaults, for the per-option diff.
    expect(a.extensions[0].options).toEqual({
      contact: '127.0.0.1:5090;transport=tcp',
      'oos-check': 5,
      'oos-force': 5,
      'request-uri': null,
    });
    expect(b.trunks.map((t) => [t.number, t.contact?.port, t.remoteSwitch, t.peerProxyProtocol])).toEqual([
      ['to-site-a-primary', 5070, 'SiteA', 'udp'],
      ['to-site-a-backup', 5070, 'SiteA', 'udp'],
    ]);
  });

  it('passes TLS material as written, as absolute paths, or inline', () => {
    const doc = example();
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').tls).toEqual({
      certificate: './certs/proxy.pem',
      certificateKey: './certs/proxy.key',
      trustedCa: './certs/ca.pem',
      mutual: false,
      minVersion: 'TLSv1.2',
      verifyServerCertificate: true,
    });
    expect(compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR, tlsMaterial: 'absolute-paths' }).tls?.certificate).toBe(
      FIXTURE_CERTS.proxyCert,
    );
    const inline = compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR, tlsMaterial: 'inline-pem' }).tls;
    expect(inline?.certificateKey).toBe(readFileSync(FIXTURE_CERTS.proxyKey, 'utf8'));
    expect(inline?.trustedCa).toMatch(/BEGIN CERTIFICATE/);
  });

  it("http-client-ca: the management port's mutual TLS gets the certificate, key and CA, in the same three ways", () => {
    const doc = example();
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').managementTls).toBeUndefined();
    (doc.applications[4].options as { sipproxy: Record<string, unknown> }).sipproxy['http-client-ca'] = './certs/ca.pem';
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').managementTls).toEqual({
      certificate: './certs/proxy.pem',
      certificateKey: './certs/proxy.key',
      clientCa: './certs/ca.pem',
    });
    expect(
      compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR, tlsMaterial: 'absolute-paths' }).managementTls?.clientCa,
    ).toBe(FIXTURE_CERTS.caCert);
    expect(compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR, tlsMaterial: 'inline-pem' }).managementTls?.clientCa).toMatch(
      /BEGIN CERTIFICATE/,
    );
  });

  it('never negotiates below TLS 1.2 whatever sip-tls-sec-protocol says', () => {
    const doc = example();
    doc.applications[4].options.security['sip-tls-sec-protocol'] = 'SSLv3';
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').tls?.minVersion).toBe('TLSv1.2');
  });

  it('sip-address unset: listens on every interface, advertises the host (guide, "SIP Address Binding")', () => {
    expect(compileEffectiveConfig(example(), 'SIPProxy_1').application).toMatchObject({
      host: '127.0.0.1',
      listenHost: ALL_INTERFACES,
      advertisedHost: '127.0.0.1',
    });
  });

  it('uses sip-address as listen and advertised host', () => {
    const doc = example();
    doc.applications[4].options.sipproxy['sip-address'] = '127.0.0.9';
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').application).toMatchObject({
      host: '127.0.0.1',
      listenHost: '127.0.0.9',
      advertisedHost: '127.0.0.9',
    });
  });

  it('lists the other proxies of its pool', () => {
    const doc = example();
    const p3 = structuredClone(doc.applications[4]);
    p3.name = 'SIPProxy_3';
    p3.host = '127.0.0.3';
    doc.applications.push(p3);
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').poolPeers).toEqual([
      { name: 'SIPProxy_3', host: '127.0.0.3', sipPort: 5060, tlsPort: 5061 },
    ]);
  });

  it('is JSON-serializable and versioned by content', () => {
    const c = compileEffectiveConfig(example(), 'SIPProxy_1');
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(c.version).toMatch(/^[0-9a-f]{16}$/);
    expect(compileEffectiveConfig(example(), 'SIPProxy_1').version).toBe(c.version);
    const doc = example();
    doc.applications[4].options.sipproxy['oos-force'] = 6;
    expect(compileEffectiveConfig(doc, 'SIPProxy_1').version).not.toBe(c.version);
    // an unrelated application's change does not touch this proxy's version... unless it is routing data
    const doc2 = example();
    doc2.applications[5].options.sipproxy['oos-check'] = 9;
    expect(compileEffectiveConfig(doc2, 'SIPProxy_1').version).toBe(c.version);
  });

  it('refuses an unknown application or one that is not a sip-proxy', () => {
    expect(() => compileEffectiveConfig(example(), 'Nope')).toThrow(EffectiveConfigError);
    expect(() => compileEffectiveConfig(example(), 'SIPServer_A')).toThrow(/not a sip-proxy/);
    expect(proxyApplicationNames(example())).toEqual(['SIPProxy_1', 'SIPProxy_2']);
  });

  it('compiles a 10,000-DN document', () => {
    const doc = generateConfigDocument({ switches: 10, dnsPerSwitch: 1000, dnKind: 'mixed' });
    const t0 = performance.now();
    const c = compileEffectiveConfig(doc, 'SIPProxy_0');
    console.log(
      `compile effective config over 10,000 DNs: ${(performance.now() - t0).toFixed(0)} ms, ${(JSON.stringify(c).length / 1e6).toFixed(1)} MB JSON`,
    );
    expect(c.switches.reduce((n, s) => n + s.trunks.length + s.extensions.length, 0)).toBe(10_000);
    expect(c.haPairs).toHaveLength(10);
  }, 60_000);
});
