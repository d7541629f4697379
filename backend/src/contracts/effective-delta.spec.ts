import { describe, expect, it } from 'vitest';
import { generateConfigDocument } from '../bench/config-document-generator.js';
import type { ConfigDocument } from './config-document.js';
import { canonicalJson, compileEffectiveConfig, EffectiveCompileCache, type EffectiveProxyConfig } from './effective-config.js';
import { applyEffectiveDelta, effectiveDelta, EffectiveDeltaError } from './effective-delta.js';

const base = (): ConfigDocument => generateConfigDocument({ switches: 3, dnsPerSwitch: 40, dnKind: 'mixed' });
const eff = (doc: ConfigDocument): EffectiveProxyConfig => compileEffectiveConfig(doc, 'SIPProxy_0');
/** Through JSON, as the wire carries it. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function roundTrip(edit: (doc: ConfigDocument) => void) {
  const doc = base();
  const a = eff(doc);
  edit(doc);
  const b = eff(doc);
  const d = effectiveDelta(a, b);
  expect(d).toBeDefined();
  const got = applyEffectiveDelta(wire(a), wire(d!));
  expect(canonicalJson(got)).toBe(canonicalJson(b));
  expect(got.version).toBe(b.version);
  return { a, b, d: d! };
}

describe('effectiveDelta / applyEffectiveDelta', () => {
  it('is undefined when the effective configuration is the same', () => {
    const doc = base();
    expect(effectiveDelta(eff(doc), eff(base()))).toBeUndefined();
  });

  it('carries one changed DN, not the switch', () => {
    const { d } = roundTrip((doc) => {
      doc.switches[1].dns[3].options.TServer['request-uri'] = 'sip:x@elsewhere.example';
    });
    expect(d.switches).toHaveLength(1);
    expect(d.switches[0].whole).toBeUndefined();
    expect(d.switches[0].trunks?.upsert.map((u) => u.entry.number)).toEqual([d.switches[0].trunks!.upsert[0].entry.number]);
    expect(Object.keys(d.set)).toEqual([]);
    expect(JSON.stringify(d).length).toBeLessThan(2000);
  });

  it('carries an application option as its options block only', () => {
    const { d } = roundTrip((doc) => {
      doc.applications.find((a) => a.name === 'SIPProxy_0')!.options.sipproxy['oos-check'] = 9;
    });
    expect(Object.keys(d.set).sort()).toEqual(['haPairs', 'options']);
    expect(d.switches).toEqual([]);
  });

  it('adds, removes and inserts DNs in place, and removes and adds switches', () => {
    roundTrip((doc) => {
      const dns = doc.switches[0].dns;
      dns.splice(5, 2);
      dns.splice(10, 0, { number: 'new-ext', type: 'extension', options: { TServer: { contact: '10.9.9.9:5060' } } });
      dns.unshift({ number: 'first-ext', type: 'extension', options: { TServer: { contact: '10.9.9.8:5060' } } });
      doc.switches.splice(2, 1);
      doc.switches.push({ name: 'SiteNew', dns: [{ number: 't', type: 'trunk', options: { TServer: { contact: 'a.example' } } }] });
    });
  });

  it('sends a switch whole when its DNs changed order', () => {
    const { d } = roundTrip((doc) => {
      const dns = doc.switches[0].dns;
      const [x] = dns.splice(2, 1);
      dns.push(x);
    });
    expect(d.switches[0].whole).toBeDefined();
  });

  it('refuses a delta made from another configuration (a gap)', () => {
    const { b, d } = roundTrip((doc) => {
      doc.switches[0].dns[1].options.TServer.contact = '10.1.1.1:5070';
    });
    expect(() => applyEffectiveDelta(b, d)).toThrow(EffectiveDeltaError);
  });
});

describe('compileEffectiveConfig with a cache (the control plane compiles after every edit)', () => {
  it('gives what a compilation from scratch gives, after edits, adds and removals, for every proxy', () => {
    const cache = new EffectiveCompileCache();
    const doc = base();
    for (const app of ['SIPProxy_0', 'SIPProxy_1'])
      expect(compileEffectiveConfig(doc, app, { cache })).toEqual(compileEffectiveConfig(doc, app));
    const edits: ((d: ConfigDocument) => void)[] = [
      (d) => {
        d.switches[1].dns[3].options.TServer['request-uri'] = 'sip:10.1.1.1:5060;transport=udp';
      },
      (d) => {
        d.switches[0].dns.splice(4, 1);
        d.switches[2].dns.push({ number: 'x', type: 'extension', options: { TServer: { contact: '10.2.2.2:5060' } } });
      },
      (d) => {
        d.switches[0].dns[0].options.TServer['external-contact'] = 'proxy.moved.example:7000';
      },
      (d) => {
        d.switches.reverse();
      },
    ];
    let prev = structuredClone(doc);
    for (const edit of edits) {
      const next = structuredClone(prev);
      edit(next);
      for (const app of ['SIPProxy_0', 'SIPProxy_1']) {
        const got = compileEffectiveConfig(next, app, { cache });
        const want = compileEffectiveConfig(next, app);
        expect(canonicalJson(got)).toBe(canonicalJson(want));
        expect(got.version).toBe(want.version);
      }
      prev = next;
    }
  });

  it('keeps unchanged switches and DN entries as the same objects (a delta skips them at once)', () => {
    const cache = new EffectiveCompileCache();
    const doc = base();
    const a = compileEffectiveConfig(doc, 'SIPProxy_0', { cache });
    const next = structuredClone(doc);
    next.switches[1].dns[3].options.TServer['request-uri'] = 'sip:10.1.1.1:5060;transport=udp';
    const b = compileEffectiveConfig(next, 'SIPProxy_0', { cache });
    expect(b.switches[0]).toBe(a.switches[0]);
    expect(b.switches[2]).toBe(a.switches[2]);
    expect(b.switches[1]).not.toBe(a.switches[1]);
    expect(b.switches[1].trunks[0]).toBe(a.switches[1].trunks[0]);
    expect(b.version).not.toBe(a.version);
  });
});
