/**
 * A slow-loris after the first message (issue 13 §2) over real TCP sockets: a connection that proved itself with one
 * complete OPTIONS, then trickles the header of a second message a byte at a time, is inbound traffic every few
 * hundred milliseconds, so neither the first-message deadline nor the inbound idle timeout (300 s) ever closed it:
 * 10,000 such connections (the global cap) would have held every TCP slot forever. A message once begun must now be
 * complete within connection-first-message-timeout, like the first one. A connection that sends whole messages
 * slowly, and keep-alive pings, stays open. Bounded: each trickle stops after 40 bytes.
 */
import * as net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isRequest } from '../../src/sip/index.js';
import { branch, Endpoint, request } from '../tls/sip-peer.js';
import { servingPair } from '../tls/tls-proxy.js';
import { sleep } from '../helpers/net.js';
import { startProxy } from './peers.js';
import { cleanupWork } from '../helpers/sipp.js';

afterAll(() => cleanupWork());

async function connect(port: number, localAddress: string): Promise<{ raw: net.Socket; ep: Endpoint }> {
  const raw = net.connect({ host: '127.0.0.1', port, localAddress });
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', () => resolve());
    raw.once('error', reject);
  });
  return { raw, ep: new Endpoint(raw) };
}

describe('an inbound connection must complete each message it begins within connection-first-message-timeout', () => {
  it('a trickled second message closes the connection; whole messages sent slowly and pings keep theirs', async () => {
    const proxy = await startProxy({
      ...servingPair('127.0.0.1', 9, 'udp'),
      transports: ['tcp'],
      connectionFirstMessageTimeoutS: 1,
      inboundConnectionIdleTimeoutS: 300,
    });
    const loris = await connect(proxy.port, '127.0.0.66');
    const good = await connect(proxy.port, '127.0.0.67');
    const options = (ep: Endpoint, port: number, callId: string): string =>
      request('OPTIONS', `sip:127.0.0.1:${proxy.port};transport=tcp`, { via: `SIP/2.0/TCP 127.0.0.1:${port};branch=${branch()}`, callId });
    try {
      for (const [name, c] of [
        ['loris', loris],
        ['good', good],
      ] as const) {
        c.ep.send(options(c.ep, c.raw.localPort!, `${name}-first`));
        const ans = await c.ep.waitFor((m) => !isRequest(m) && m.callId === `${name}-first`, 5000, `${name}: the first OPTIONS answered`);
        expect(!isRequest(ans) && ans.status).toBe(200);
      }
      // The trickle: one byte of a second message every 250 ms (40 bytes, 10 s, far past the 1 s deadline); the good
      // client sends a whole OPTIONS or a ping in between.
      const second = options(loris.ep, loris.raw.localPort!, 'loris-second');
      for (let i = 0; i < 40 && !loris.ep.closed; i++) {
        loris.raw.write(second[i]);
        if (i % 4 === 0) good.ep.send(options(good.ep, good.raw.localPort!, `good-${i}`));
        else if (i % 4 === 2) good.ep.ping();
        await sleep(250);
      }
      expect(loris.ep.closed, 'the trickling connection is closed').toBe(true);
      expect(good.ep.closed, 'the well-behaved connection stays open').toBe(false);
      good.ep.send(options(good.ep, good.raw.localPort!, 'good-last'));
      await good.ep.waitFor((m) => !isRequest(m) && m.callId === 'good-last', 5000, 'the good client still answered');
      expect(proxy.worker.status().transport.stream.incompleteMessageTimeouts).toBe(1);
    } finally {
      loris.raw.destroy();
      good.raw.destroy();
      await proxy.stop();
    }
  });
});
