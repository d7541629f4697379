/**
 * Draining on stop (SIGTERM, an operator restart): the worker waits for the transactions still in progress (no final
 * response yet), not for the ones it only keeps to absorb retransmissions (RFC 3261 §17.2.2 Timer J: 32 s over UDP).
 * Before, every restart within 32 s of UDP traffic waited the whole drain. Real UDP sockets, an in-process worker.
 */
import { describe, expect, it } from 'vitest';
import { isRequest, type SipMessage } from '../../src/sip/index.js';
import { branch, request, udpEndpoint } from '../tls/sip-peer.js';
import { servingPair } from '../tls/tls-proxy.js';
import { startProxy } from '../proxy/peers.js';

const finalFor =
  (callId: string) =>
  (m: SipMessage): boolean =>
    !isRequest(m) && m.status >= 200 && m.callId === callId;

describe('drain on stop', () => {
  it('answered transactions kept for retransmissions do not hold the drain; one in progress does, to its end', async () => {
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    let hold: ((s: number) => void) | undefined;
    server.responder = (req, ep) => {
      if (req.method === 'INVITE') hold = (s) => ep.reply(req, s);
      else ep.reply(req, 200);
    };
    const proxy = await startProxy({ ...servingPair('127.0.0.1', server.port, 'udp'), transports: ['udp'] });
    server.udp!.to.port = proxy.port;
    const ua = await udpEndpoint({ host: '127.0.0.1', port: proxy.port });
    const send = (method: string, callId: string) =>
      ua.send(
        request(method, `sip:2000@127.0.0.1:${proxy.port}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${ua.port};branch=${branch()};rport`,
          callId,
          cseq: 1,
          to: '<sip:2000@example.com>',
          contact: `<sip:1000@127.0.0.1:${ua.port}>`,
        }),
      );
    let stopped = false;
    try {
      // 1. An answered MESSAGE leaves its transactions kept (Timer J/K), not in progress.
      send('MESSAGE', 'answered');
      await ua.waitFor(finalFor('answered'), 5000, '200 to MESSAGE');
      const kept = proxy.worker.tl.stats();
      expect(kept.serverTransactions + kept.clientTransactions).toBeGreaterThan(0);
      expect(proxy.worker.tl.inProgress()).toBe(0);

      // 2. An INVITE the server has not answered is in progress: stop(drain) waits for it, and its answer gets through.
      send('INVITE', 'ringing');
      await new Promise<void>((r) => {
        const t = setInterval(() => {
          if (hold) {
            clearInterval(t);
            r();
          }
        }, 20);
      });
      expect(proxy.worker.tl.inProgress()).toBeGreaterThan(0);
      const stopping = proxy.worker.stop(60_000).then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(stopped).toBe(false);
      hold!(486);
      const ans = await ua.waitFor(finalFor('ringing'), 5000, 'final response to the INVITE during the drain');
      expect(!isRequest(ans) && ans.status).toBe(486);
      // Nothing left in progress: the drain ends now, well before the 32 s Timer J of the MESSAGE (test timeout 15 s).
      await stopping;
      expect(stopped).toBe(true);
    } finally {
      ua.close();
      server.close();
      if (!stopped) await proxy.stop();
    }
  }, 15_000);
});
