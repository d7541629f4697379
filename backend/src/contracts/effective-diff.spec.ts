import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from './config-document.js';
import type { ConfigDocument } from './config-document.js';
import { compileEffectiveConfig } from './effective-config.js';
import { diffEffectiveConfig, planLiveApply } from './effective-diff.js';
import { exampleDocumentText } from '../../test/fixtures/config/index.js';

const EXAMPLE = parseConfigDocument(exampleDocumentText()).doc;
const example = (): ConfigDocument => structuredClone(EXAMPLE);
const compile = (doc: ConfigDocument) => compileEffectiveConfig(doc, 'SIPProxy_1');
const proxy1 = (doc: ConfigDocument) => doc.applications[4].options;
const rules = (doc: ConfigDocument) => diffEffectiveConfig(compile(example()), compile(doc)).map((c) => `${c.option}: ${c.takesEffect}`);

describe('diffEffectiveConfig: the registry decides, per option, named as the operator knows it', () => {
  it("options per their registry entry, the application's ports after restart, a SIP Server address at once", () => {
    const doc = example();
    proxy1(doc).sipproxy['oos-check'] = 10;
    proxy1(doc).sipproxy['resolve-host'] = true;
    doc.applications[4].ports['sip-port'] = 5062;
    doc.applications[1].host = '127.0.0.5';
    expect(rules(doc)).toEqual([
      'oos-check: immediately',
      'resolve-host: after-restart',
      'sip-port: after-restart',
      'host/sip-port of SIPServer_A_backup: immediately',
    ]);
    expect(diffEffectiveConfig(compile(example()), compile(example()))).toEqual([]);
  });

  it('applications: after restart, once (its pairs are not listed again as a live change)', () => {
    const doc = example();
    proxy1(doc).sipproxy.applications = 'SIPServer_A';
    expect(rules(doc)).toEqual(['applications: after-restart']);
  });

  // Saw these fail on the old code: every switch change was one "switches: next-call".
  it('DN options the guide marks "After SIP Proxy restart" wait for the restart; the others do not', () => {
    const cases: [number, string, string | number | boolean, string][] = [
      [0, 'contact', 'proxy2.site-a.example', 'contact (DN sipproxy-pool of SiteA): after-restart'],
      [0, 'service-type', 'other', 'service-type (DN sipproxy-pool of SiteA): after-restart'],
      [0, 'sip-port-tls', 0, 'sip-port-tls (DN sipproxy-pool of SiteA): after-restart'],
      [1, 'peer-proxy-protocol', 'tcp', 'peer-proxy-protocol (DN to-site-b of SiteA): after-restart'],
      [1, 'peer-proxy-port-tls', 5161, 'peer-proxy-port-tls (DN to-site-b of SiteA): after-restart'],
      [1, 'peer-proxy-contact', 'proxy.site-c.example:5160', 'peer-proxy-contact (DN to-site-b of SiteA): immediately'],
      // SIP Server only (registry flag): nothing for the proxy to apply.
      [1, 'oos-check', 9, ''],
      [1, 'replace-uri-contact', false, ''],
      [0, 'external-contact', 'proxy.site-a.example:5070', ''],
    ];
    for (const [dn, option, value, expected] of cases) {
      const doc = example();
      doc.switches[0].dns[dn].options.TServer[option] = value;
      expect(
        rules(doc).filter((r) => r.startsWith(option)),
        option,
      ).toEqual(expected ? [expected] : []);
    }
  });
});

describe('planLiveApply', () => {
  it('runs the live part now and holds every after-restart change back (the running values)', () => {
    const running = compile(example());
    const doc = example();
    proxy1(doc).sipproxy.applications = 'SIPServer_A';
    proxy1(doc).sipproxy['oos-check'] = 2;
    doc.switches[0].dns[2].options.TServer.contact = '127.0.0.1:5099';
    const plan = planLiveApply(running, compile(doc));
    expect(plan.applied.map((c) => c.option)).toEqual(['oos-check']);
    expect(plan.restartPending.map((c) => c.option)).toEqual(['applications', 'contact (DN 1001 of SiteA)']);
    expect(plan.now.haPairs.map((p) => [p.name, p.oosCheck])).toEqual([
      ['SIPServer_A', 2],
      ['SIPServer_B', 2],
    ]);
    expect(plan.now.switches[0].extensions.find((e) => e.number === '1001')!.contact.port).toBe(5090);
    expect(plan.now.version).toBe(running.version);
    // Nothing after restart: the next configuration as it is.
    const live = example();
    proxy1(live).sipproxy['overload-ctrl-dialog-rate'] = 7;
    expect(planLiveApply(running, compile(live)).now).toEqual(compile(live));
  });

  it('a live change tied to a held-back DN waits with it, and says so', () => {
    const doc = example();
    doc.switches[0].dns[1].options.TServer['peer-proxy-protocol'] = 'tcp';
    doc.switches[0].dns[1].options.TServer['peer-proxy-contact'] = 'proxy.site-c.example:5160';
    const plan = planLiveApply(compile(example()), compile(doc));
    expect(plan.applied).toEqual([]);
    expect(plan.restartPending.map((c) => c.option)).toEqual([
      'peer-proxy-contact (DN to-site-b of SiteA)',
      'peer-proxy-protocol (DN to-site-b of SiteA)',
    ]);
  });
});

describe('sip-port-tls = 0 disables TLS', () => {
  it('no TLS transport for the pool whose sip-outbound-proxy DN says 0', () => {
    const doc = example();
    doc.switches[0].dns[0].options.TServer['sip-port-tls'] = 0;
    expect(compile(doc).application.transports).toEqual(['udp', 'tcp']);
    expect(compile(example()).application.transports).toEqual(['udp', 'tcp', 'tls']);
  });
});
