/**
 * Calls through the proxy with Kamailio (TLS module) as a real TLS peer between SIPp (no TLS in Debian's build)
 * and the proxy: UDP on one side of the proxy and TLS on the other, and TLS on both sides (Kamailio is then also
 * the TLS "SIP Server" the proxy reaches, relaying to a SIPp UAS). Loopback, certificates made by the test.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyRuntimeConfig } from '../../src/sip/proxy/proxy-config.js';
import { cleanupWork, freePort, runUac, scenario, SippUas, startProxy } from '../proxy/peers.js';
import { makeTestPki, type TestPki } from './certs.js';
import { startKamailio } from './kamailio.js';

let pki: TestPki;
beforeAll(() => {
  pki = makeTestPki();
});
afterAll(() => {
  pki.cleanup();
  cleanupWork();
});

/** Record-Route values of the first 200 OK (INVITE) in a SIPp message trace, top first. */
function recordRoutesOf200(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const i = text.search(/SIP\/2\.0 200 OK[\s\S]*?CSeq: *\d+ INVITE/);
  const msg = text.slice(i, text.indexOf('\n\n', i) > 0 ? text.indexOf('\n\n', i) : undefined);
  return msg
    .split(/\r?\n/)
    .filter((l) => /^Record-Route:/i.test(l))
    .flatMap((l) => l.replace(/^Record-Route:\s*/i, '').split(/,\s*(?=<)/));
}

async function ports() {
  return { udp: await freePort('127.0.0.2'), tlsClient: await freePort('127.0.0.2'), tlsServer: await freePort('127.0.0.3') };
}

function tlsOver(tlsPort: number): Partial<ProxyRuntimeConfig> {
  return {
    transports: ['udp', 'tcp', 'tls'],
    tlsPort,
    tls: { certificate: pki.proxyCert, certificateKey: pki.proxyKey, trustedCa: pki.ca, mutual: false, minVersion: 'TLSv1.2', verifyServerCertificate: true },
    servingPair: 'SIPServer_A',
    oosCheckS: 0,
  };
}

describe('Kamailio as the TLS hop', () => {
  it('SIPp -UDP-> Kamailio -TLS-> proxy -UDP-> SIPp UAS: calls complete, two proxy Record-Route entries (UDP and TLS side)', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const tlsPort = await freePort();
    const proxy = await startProxy({ ...tlsOver(tlsPort), pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: uasPort, transport: 'udp' } }] });
    const kam = await startKamailio({ pki, ports: await ports(), proxyTlsPort: tlsPort, uasUdpPort: uasPort });
    try {
      const trace = path.join(pki.dir, 'uac-a-messages.log');
      const r = await runUac({ scenario: scenario('uac_call.xml'), target: `127.0.0.2:${kam.udpPort}`, transport: 'udp', calls: 10, rate: 5, extra: ['-d', '100', '-trace_msg', '-message_file', trace], timeoutS: 30 });
      expect(r.failed, r.output + kam.output().slice(-3000)).toBe(0);
      expect(r.successful).toBe(10);
      // The proxy's two entries (UDP toward the SIP Server on top, TLS toward Kamailio), then Kamailio's two.
      const rr = recordRoutesOf200(trace);
      expect(rr.slice(0, 2)).toEqual([`<sip:127.0.0.1:${proxy.port};lr>`, `<sip:127.0.0.1:${tlsPort};transport=tls;lr>`]);
      expect(rr.length).toBe(4);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(10);
      expect(st.counters.requestsIn.BYE).toBe(10);
      // Kamailio reached the proxy over TLS and kept one connection for every call.
      const tls = st.connections.filter((c) => c.transport === 'tls');
      expect(tls.length).toBe(1);
      expect(tls[0]).toMatchObject({ direction: 'inbound', remoteAddress: '127.0.0.2' });
    } finally {
      await kam.stop();
      await proxy.stop();
      await uas.kill();
    }
  });

  it('TLS on both sides of the proxy (Kamailio is also its TLS SIP Server, certificate verified by IP per RFC 5922 rules)', async () => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const tlsPort = await freePort();
    const kp = await ports();
    const proxy = await startProxy({ ...tlsOver(tlsPort), pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.3', port: kp.tlsServer, transport: 'tls' } }] });
    const kam = await startKamailio({ pki, ports: kp, proxyTlsPort: tlsPort, uasUdpPort: uasPort });
    try {
      const trace = path.join(pki.dir, 'uac-b-messages.log');
      const r = await runUac({ scenario: scenario('uac_call.xml'), target: `127.0.0.2:${kam.udpPort}`, transport: 'udp', calls: 10, rate: 5, extra: ['-d', '100', '-trace_msg', '-message_file', trace], timeoutS: 30 });
      expect(r.failed, r.output + kam.output().slice(-3000)).toBe(0);
      expect(r.successful).toBe(10);
      // Same transport on both sides: the proxy adds one TLS entry (between Kamailio's pairs).
      const rr = recordRoutesOf200(trace);
      expect(rr.filter((v) => v.includes(`127.0.0.1:${tlsPort}`))).toEqual([`<sip:127.0.0.1:${tlsPort};transport=tls;lr>`]);
      expect(rr.length).toBe(5);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(10);
      expect(st.counters.requestsIn.ACK).toBe(10);
      const tls = st.connections.filter((c) => c.transport === 'tls').map((c) => `${c.direction}:${c.remoteAddress}`).sort();
      expect(tls).toEqual(['inbound:127.0.0.2', 'outbound:127.0.0.3']);
    } finally {
      await kam.stop();
      await proxy.stop();
      await uas.kill();
    }
  });
});
