import { describe, expect, it } from 'vitest';
import type { ConfigDocument } from '../../../contracts/config-document.js';
import { search } from './search-index.js';

const doc: ConfigDocument = {
  version: 1,
  applications: [
    { name: 'SIPServer_A', type: 'sip-server', host: '10.0.0.1', ports: { 'sip-port': 5070 }, backup: 'SIPServer_A_backup', options: {} },
    { name: 'SIPServer_A_backup', type: 'sip-server', host: '10.0.0.2', ports: { 'sip-port': 5070 }, options: {} },
    { name: 'SIPProxy_1', type: 'sip-proxy', host: '10.0.0.9', ports: { 'sip-port': 5060 }, options: { sipproxy: { 'oos-check': 5 } } },
  ],
  switches: [
    {
      name: 'SiteA',
      sipServer: 'SIPServer_A',
      dns: [
        { number: 'sipproxy-pool', type: 'voip-service', options: { TServer: { 'oos-check': 5, contact: '10.0.0.9:5060' } } },
        { number: '1001', type: 'extension', options: {} },
        { number: '21001', type: 'extension', options: {} },
      ],
    },
  ],
};

describe('search', () => {
  it('finds applications by name or host, switches, DN numbers; exact before prefix before inside', () => {
    expect(search(doc, 'sipserver_a').map((h) => h.name)).toEqual(['SIPServer_A', 'SIPServer_A_backup']);
    expect(search(doc, '10.0.0.9')).toEqual([{ kind: 'application', name: 'SIPProxy_1', type: 'sip-proxy', host: '10.0.0.9' }]);
    expect(search(doc, 'sitea')).toEqual([{ kind: 'switch', name: 'SiteA', sipServer: 'SIPServer_A', dnCount: 3 }]);
    expect(search(doc, '1001').map((h) => [h.kind, h.name])).toEqual([
      ['dn', '1001'],
      ['dn', '21001'],
    ]);
  });

  it('finds an option name once, with the sections and kinds that carry it and the objects that set it', () => {
    const hits = search(doc, 'oos-check');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      kind: 'option',
      name: 'oos-check',
      setOnCount: 2,
      setOn: [
        { object: 'application', name: 'SIPProxy_1' },
        { object: 'dn', switch: 'SiteA', name: 'sipproxy-pool' },
      ],
    });
    expect((hits[0] as { objects: string[] }).objects).toEqual(expect.arrayContaining(['sip-proxy', 'voip-service']));
  });

  it('a query that matches nothing, or only spaces, finds nothing', () => {
    expect(search(doc, 'zzz')).toEqual([]);
    expect(search(doc, '   ')).toEqual([]);
  });
});
