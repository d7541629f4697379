import { describe, expect, it } from 'vitest';
import { compileEffectiveConfig, loadConfigDocument } from '../contracts/index.js';
import { EXAMPLE_DOCUMENT_PATH, FIXTURES_DIR, exampleDocumentText } from '../../test/fixtures/config/index.js';
import { toRuntimeConfig } from './config-adapter.js';
import { persistentHops, workerTls } from './tls-listeners.js';
import { TlsConfigError } from '../sip/index.js';

function exampleRuntime(mode: 'absolute-paths' | 'inline-pem') {
  const { doc, errors } = loadConfigDocument(exampleDocumentText());
  expect(errors).toEqual([]);
  return toRuntimeConfig(compileEffectiveConfig(doc, 'SIPProxy_1', { baseDir: FIXTURES_DIR, tlsMaterial: mode }));
}

describe('workerTls (SIPProxy_1 of the example document)', () => {
  it.each(['absolute-paths', 'inline-pem'] as const)(
    'builds the TLS listener on tls-port and verifying client options from %s material',
    (mode) => {
      const cfg = exampleRuntime(mode);
      expect(cfg.tls).toBeDefined();
      const t = workerTls(cfg);
      expect(t.server).toMatchObject({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
      expect(t.tlsClient.rejectUnauthorized).toBe(cfg.tls!.verifyServerCertificate);
      expect(EXAMPLE_DOCUMENT_PATH).toContain('example.yaml');
    },
  );

  it('a tls-port without certificate material is a TlsConfigError (the worker logs 40006)', () => {
    const cfg = { ...exampleRuntime('absolute-paths'), tls: undefined };
    expect(() => workerTls(cfg)).toThrow(TlsConfigError);
    // Without a TLS port, outgoing TLS still gets the 1.2 floor and the RFC 5922 check.
    const noPort = { ...cfg, transports: cfg.transports.filter((t) => t !== 'tls') };
    const none = workerTls(noPort);
    expect(none.server).toBeUndefined();
    expect(none.tlsClient).toMatchObject({ minVersion: 'TLSv1.2' });
  });

  it('persistent next hops: the TCP/TLS SIP Servers when the option is on', () => {
    const cfg = exampleRuntime('absolute-paths');
    const withTls = { ...cfg, pairs: cfg.pairs.map((p) => ({ ...p, primary: { ...p.primary, transport: 'tls' as const } })) };
    expect(persistentHops(withTls).length).toBe(cfg.pairs.length);
    expect(persistentHops({ ...withTls, persistentNextHop: false })).toEqual([]);
  });
});
