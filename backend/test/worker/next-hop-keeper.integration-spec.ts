import * as net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportLayer } from '../../src/sip/index.js';
import { NextHopKeeper } from '../../src/worker/next-hop-keeper.js';
import { freePort, waitFor } from '../helpers/net.js';

/**
 * persistent-next-hop-connection over real sockets: the proxy's transport keeps a TCP connection to a SIP Server
 * peer, pings it (RFC 5626 CRLFCRLF) and, when the peer stops answering with a pong, closes that connection and
 * opens another. Timings are shortened (ping every 160-200 ms, pong within 300 ms) so the test runs in a second;
 * the product uses 24-30 s and 10 s.
 */
interface PeerConn {
  socket: net.Socket;
  pings: number;
  closed: boolean;
}

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe('kept next-hop connection', () => {
  it('a peer that stops answering pings is detected and its connection replaced', async () => {
    const port = await freePort();
    const conns: PeerConn[] = [];
    let answering = true;
    const server = net.createServer((socket) => {
      const c: PeerConn = { socket, pings: 0, closed: false };
      conns.push(c);
      answering = true; // a fresh connection answers again (the SIP Server came back)
      let buf = '';
      socket.on('data', (d) => {
        buf += d.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
          c.pings++;
          if (answering) socket.write('\r\n'); // RFC 5626 §3.5.1 pong
        }
      });
      socket.on('close', () => {
        c.closed = true;
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const c of conns) c.socket.destroy();
          server.close(() => r());
        }),
    );

    const transport = await TransportLayer.create({ listeners: [{ transport: 'tcp', address: '127.0.0.1', port: 0 }] });
    cleanup.push(() => transport.close());
    const replaced: string[] = [];
    const keeper = new NextHopKeeper(transport, [{ transport: 'tcp', host: '127.0.0.1', port }], () => undefined, {
      intervalMs: 200,
      pongTimeoutMs: 300,
      onReplaced: (_h, id) => replaced.push(id),
    });
    cleanup.push(() => keeper.stop());
    keeper.start();

    // Kept and answered: several pings on one connection, none missed.
    await waitFor(() => conns.length === 1 && conns[0].pings >= 3, 10_000, 'three answered pings on the kept connection');
    const first = keeper.connections()[0];
    expect(first).toBeDefined();
    expect(keeper.counters.pongsMissed).toBe(0);
    expect(conns).toHaveLength(1);

    // The peer falls silent (no pong, connection left open, as behind a firewall that drops packets).
    answering = false;
    await waitFor(() => conns.length === 2, 10_000, 'a new connection after the missed pong');
    await waitFor(() => conns[0].closed, 10_000, 'the silent connection closed by the proxy');
    expect(replaced).toEqual([first]);
    expect(keeper.counters.pongsMissed).toBe(1);

    // The new connection is the kept one, and answered pings keep it.
    await waitFor(() => conns[1].pings >= 3, 10_000, 'pings on the new connection');
    expect(keeper.connections()[0]).not.toBe(first);
    expect(keeper.connections()[0]).toBeDefined();
    expect(keeper.counters.replaced).toBe(1);
    expect(conns).toHaveLength(2);
    expect(conns[1].closed).toBe(false);
  }, 30_000);
});
