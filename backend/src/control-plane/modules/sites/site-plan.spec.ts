import { describe, expect, it } from 'vitest';
import { emptyConfigDocument, type ConfigDocument } from '../../../contracts/config-document.js';
import { validateConfigDocument } from '../../../contracts/validation.js';
import { exampleDocument } from '../../../../test/helpers/config-fixtures.js';
import { buildSite, type SiteRequest } from './site-plan.js';

const siteC: SiteRequest = {
  name: 'SiteC',
  primary: { name: 'SIPServer_C', host: '127.0.0.1', sipPort: 5270 },
  backup: { name: 'SIPServer_C_backup', host: '127.0.0.2', sipPort: 5270 },
  pool: { options: { contact: 'proxy.site-c.example', 'external-contact': 'proxy.site-c.example:5260', 'oos-check': 5, 'oos-force': 5 } },
  proxies: [{ name: 'SIPProxy_3', host: '127.0.0.1', sipPort: 5260, httpPort: 8093 }],
};
const codes = (doc: ConfigDocument) => validateConfigDocument(doc).map((e) => `${e.path} ${e.code}`);

describe('buildSite', () => {
  it('the pool DN alone is refused piecemeal (the dead end this closes): every proxy must monitor the new pair', () => {
    const doc = exampleDocument();
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
    doc.switches.push({
      name: 'SiteC',
      sipServer: 'SIPServer_C',
      dns: [
        {
          number: 'sipproxy-pool',
          type: 'voip-service',
          options: { TServer: { ...siteC.pool.options, 'service-type': 'sip-outbound-proxy' } },
        },
      ],
    });
    expect(codes(doc).filter((c) => c.endsWith('pair-not-monitored'))).toHaveLength(2);
  });

  it('adds the pair, the switch, its pool DN and proxy, and makes every existing proxy monitor the pair: valid whole', () => {
    const doc = exampleDocument();
    const plan = buildSite(doc, siteC);
    expect(plan.problems).toEqual([]);
    expect(codes(doc)).toEqual([]);
    expect(plan.objects.map((o) => `${o.action} ${o.kind} ${o.name}`)).toEqual([
      'create application SIPServer_C',
      'create application SIPServer_C_backup',
      'create switch SiteC',
      'create dn SiteC/sipproxy-pool',
      'update application SIPProxy_1',
      'update application SIPProxy_2',
      'create application SIPProxy_3',
    ]);
    const p3 = doc.applications.find((a) => a.name === 'SIPProxy_3')!;
    expect(p3.options.sipproxy).toEqual({
      'sipproxy-role': 10,
      applications: 'SIPServer_A,SIPServer_B,SIPServer_C',
      'servicing-sipserver': 'SIPServer_C',
    });
    expect(doc.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy.applications).toBe(
      'SIPServer_A,SIPServer_B,SIPServer_C',
    );
    expect(doc.switches.at(-1)!.dns[0].options.TServer['service-type']).toBe('sip-outbound-proxy');
  });

  it('builds the first site of an empty document', () => {
    const doc = emptyConfigDocument();
    buildSite(doc, siteC);
    expect(codes(doc)).toEqual([]);
  });

  it('names taken (regardless of case) and names given twice are problems', () => {
    const doc = exampleDocument();
    const plan = buildSite(doc, {
      ...siteC,
      name: 'sitea',
      backup: { ...siteC.backup, name: 'sipproxy_1' },
      proxies: [{ ...siteC.proxies[0], name: 'SIPServer_c' }],
    });
    expect(plan.problems).toEqual([
      'switch sitea already exists as SiteA (names differ only in case)',
      'application sipproxy_1 already exists as SIPProxy_1 (names differ only in case)',
      'application SIPServer_c is named twice in this site (names differ only in case)',
    ]);
  });

  it('leaves the validator to name every value error (a pool DN without external-contact, oos-check 0)', () => {
    const doc = exampleDocument();
    buildSite(doc, { ...siteC, pool: { options: { contact: 'proxy.site-c.example', 'oos-check': 0, 'oos-force': 5 } } });
    const c = codes(doc);
    expect(c.some((x) => x.startsWith('switches[2].dns[0]') && x.includes('external-contact'))).toBe(true);
    expect(c.some((x) => x.startsWith('switches[2].dns[0].options.TServer.oos-check'))).toBe(true);
  });
});
