/**
 * Calls through the proxy with Kamailio (TLS module) as a real TLS peer between SIPp (no TLS in Debian's build)
 * and the proxy: UDP on one side of the proxy and TLS on the other, and TLS on both sides (Kamailio is then also
 * the TLS "SIP Server" the proxy reaches, relaying to a SIPp UAS). Loopback, certificates made by the test.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningProxy } from '../proxy/peers.js';
import { runUac, scenario, SippUas } from '../helpers/sipp.js';
import { startKamailio } from './kamailio.js';
import { freePort } from '../helpers/net.js';
import { servingPair, startTlsProxy, useTestPki } from './tls-proxy.js';

const pki = useTestPki();

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

/**
 * Ten calls SIPp UAC -UDP-> Kamailio -TLS-> proxy -> SIP Server, where the SIP Server is a SIPp UAS over UDP or,
 * with `tlsToServer`, Kamailio again over TLS (relaying to the UAS). `check` runs before everything is stopped.
 */
async function tenCallsThroughKamailio(
  tlsToServer: boolean,
  traceName: string,
  check: (o: { proxy: RunningProxy; tlsPort: number; rr: string[] }) => void,
): Promise<void> {
  const uasPort = await freePort();
  const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
  const kp = await ports();
  const proxy = await startTlsProxy(
    pki,
    tlsToServer ? servingPair('127.0.0.3', kp.tlsServer, 'tls') : servingPair('127.0.0.1', uasPort, 'udp'),
  );
  const tlsPort = proxy.worker.config.tlsPort!;
  const kam = await startKamailio({ pki, ports: kp, proxyTlsPort: tlsPort, uasUdpPort: uasPort });
  try {
    const trace = path.join(pki.dir, traceName);
    const r = await runUac({
      scenario: scenario('uac_call.xml'),
      target: `127.0.0.2:${kam.udpPort}`,
      transport: 'udp',
      calls: 10,
      rate: 5,
      extra: ['-d', '100', '-trace_msg', '-message_file', trace],
      timeoutS: 30,
    });
    expect(r.failed, r.output + kam.output().slice(-3000)).toBe(0);
    expect(r.successful).toBe(10);
    check({ proxy, tlsPort, rr: recordRoutesOf200(trace) });
  } finally {
    await kam.stop();
    await proxy.stop();
    await uas.kill();
  }
}

describe('Kamailio as the TLS hop', () => {
  it('SIPp -UDP-> Kamailio -TLS-> proxy -UDP-> SIPp UAS: calls complete, two proxy Record-Route entries (UDP and TLS side)', async () => {
    await tenCallsThroughKamailio(false, 'uac-a-messages.log', ({ proxy, tlsPort, rr }) => {
      // The proxy's two entries (UDP toward the SIP Server on top, TLS toward Kamailio), then Kamailio's two.
      expect(rr.slice(0, 2)).toEqual([`<sip:127.0.0.1:${proxy.port};lr>`, `<sip:127.0.0.1:${tlsPort};transport=tls;lr>`]);
      expect(rr.length).toBe(4);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(10);
      expect(st.counters.requestsIn.BYE).toBe(10);
      // Kamailio reached the proxy over TLS and kept one connection for every call.
      const tls = st.connections.filter((c) => c.transport === 'tls');
      expect(tls.length).toBe(1);
      expect(tls[0]).toMatchObject({ direction: 'inbound', remoteAddress: '127.0.0.2' });
    });
  });

  it('TLS on both sides of the proxy (Kamailio is also its TLS SIP Server, certificate verified by IP per RFC 5922 rules)', async () => {
    await tenCallsThroughKamailio(true, 'uac-b-messages.log', ({ proxy, tlsPort, rr }) => {
      // Same transport on both sides: the proxy adds one TLS entry (between Kamailio's pairs).
      expect(rr.filter((v) => v.includes(`127.0.0.1:${tlsPort}`))).toEqual([`<sip:127.0.0.1:${tlsPort};transport=tls;lr>`]);
      expect(rr.length).toBe(5);
      const st = proxy.worker.status();
      expect(st.counters.requestsIn.INVITE).toBe(10);
      expect(st.counters.requestsIn.ACK).toBe(10);
      const tls = st.connections
        .filter((c) => c.transport === 'tls')
        .map((c) => `${c.direction}:${c.remoteAddress}`)
        .sort();
      expect(tls).toEqual(['inbound:127.0.0.2', 'outbound:127.0.0.3']);
    });
  });
});
