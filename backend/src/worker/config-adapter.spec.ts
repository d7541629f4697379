import { describe, it, expect } from 'vitest';
import { compileEffectiveConfig, loadConfigDocument } from '../contracts/index.js';
import { exampleDocumentText, FIXTURES_DIR } from '../../test/fixtures/config/index.js';
import { RuntimeConfigError, toRuntimeConfig } from './config-adapter.js';

function runtime(app: string) {
  const { doc, errors } = loadConfigDocument(exampleDocumentText());
  expect(errors).toEqual([]);
  return toRuntimeConfig(compileEffectiveConfig(doc, app, { baseDir: FIXTURES_DIR }));
}

describe('toRuntimeConfig (effective config -> proxy runtime config)', () => {
  it('maps the example document for SIPProxy_1', () => {
    const c = runtime('SIPProxy_1');
    expect(c).toMatchObject({
      appName: 'SIPProxy_1',
      // sip-address unset: every interface; Via and Record-Route name the application's host.
      listenHost: '*',
      advertisedHost: '127.0.0.1',
      sipPort: 5060,
      tlsPort: 5061,
      httpPort: 8091,
      role: 10,
      oosCheckS: 5,
      oosForceS: 5,
      overloadDialogRate: 0,
      servingPair: 'SIPServer_A',
      ipTos: 256,
      failover: { enabled: true, timeoutMs: 1000 },
    });
    expect(c.pairs).toEqual([
      {
        name: 'SIPServer_A',
        primary: { name: 'SIPServer_A', host: '127.0.0.1', port: 5070, transport: 'udp' },
        backup: { name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070, transport: 'udp' },
      },
      {
        name: 'SIPServer_B',
        primary: { name: 'SIPServer_B', host: '127.0.0.1', port: 5170, transport: 'udp' },
        backup: { name: 'SIPServer_B_backup', host: '127.0.0.2', port: 5170, transport: 'udp' },
      },
    ]);
    expect(c.extensions).toContainEqual({ number: '1001', contact: '127.0.0.1:5090;transport=tcp' });
    expect(c.trunks).toContainEqual({
      number: 'to-site-b',
      contact: 'sipserver.site-b.example',
      peerProxyContact: 'proxy.site-b.example:5160',
      peerProxyProtocol: 'udp',
      peerProxyPortTls: undefined,
    });
    expect(c.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('takes the serving pair from the alias serving-sipserver', () => {
    expect(runtime('SIPProxy_2').servingPair).toBe('SIPServer_B');
  });

  it('has no fallbacks of its own: an option missing from the effective configuration is an error', () => {
    const { doc } = loadConfigDocument(exampleDocumentText());
    const eff = compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR });
    const { 'oos-check': _dropped, ...sipproxy } = eff.options.sipproxy;
    expect(() => toRuntimeConfig({ ...eff, options: { ...eff.options, sipproxy } })).toThrow(RuntimeConfigError);
  });
});
