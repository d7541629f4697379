/**
 * What the TLS integration tests share: one test PKI per file, and a proxy worker with UDP, TCP and TLS listeners
 * on loopback whose TLS side uses that PKI.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ProxyRuntimeConfig, ProxyTlsConfig } from '../../src/sip/index.js';
import { freePort } from '../helpers/net.js';
import { startProxy, type RunningProxy } from '../proxy/peers.js';
import { cleanupWork } from '../helpers/sipp.js';
import { makeTestPki, type TestPki } from './certs.js';

/**
 * Registers the file's hooks: a fresh PKI before its tests; after them the PKI and the SIPp scratch dir are removed.
 * The PKI returned is read through to the one made in beforeAll, so read it only inside tests and hooks.
 */
export function useTestPki(): TestPki {
  let made: TestPki | undefined;
  beforeAll(() => {
    made = makeTestPki();
  });
  afterAll(() => {
    made?.cleanup();
    cleanupWork();
  });
  const current = (): TestPki => {
    if (!made) throw new Error('the test PKI is made in beforeAll: read it inside a test or hook');
    return made;
  };
  return new Proxy({} as TestPki, { get: (_target, key) => Reflect.get(current(), key) });
}

/** The proxy's TLS settings: its certificate from the test CA, that CA trusted, next hops verified (RFC 5922). */
export function proxyTls(pki: TestPki, over: Partial<ProxyTlsConfig> = {}): ProxyTlsConfig {
  return {
    certificate: pki.proxyCert,
    certificateKey: pki.proxyKey,
    trustedCa: pki.ca,
    mutual: false,
    minVersion: 'TLSv1.2',
    verifyServerCertificate: true,
    ...over,
  };
}

/** One serving pair, SIPServer_A, whose primary is `host:port` over `transport`; no OOS probing. */
export function servingPair(host: string, port: number, transport: 'udp' | 'tcp' | 'tls'): Partial<ProxyRuntimeConfig> {
  return {
    servingPair: 'SIPServer_A',
    oosCheckS: 0,
    pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host, port, transport } }],
  };
}

/** A proxy worker listening on UDP, TCP and TLS (a free port, `worker.config.tlsPort`) with `proxyTls(pki)`. */
export async function startTlsProxy(pki: TestPki, over: Partial<ProxyRuntimeConfig> = {}): Promise<RunningProxy> {
  const tlsPort = await freePort();
  return startProxy({ transports: ['udp', 'tcp', 'tls'], tlsPort, tls: proxyTls(pki), ...over });
}
