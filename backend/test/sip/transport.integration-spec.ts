/**
 * Transport layer over real loopback sockets: IPv6, received/rport, 400 on garbage, connection
 * cap, idle close, CRLF keep-alive, connection reuse and state, TLS with a key/cert passed in.
 */
import { execFileSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateBranch,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  TransactionLayer,
  TransportLayer,
  type ConnectionInfo,
} from '../../src/sip/index.js';
import { TestUas } from './test-uas.js';
import { sleep } from '../helpers/net.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function uasOn(...args: Parameters<typeof TestUas.start>): Promise<TestUas> {
  const uas = await TestUas.start(...args);
  cleanups.push(() => uas.stop());
  return uas;
}

function options(transport: string, host: string, port: number, extraVia = ';rport'): string {
  return [
    `OPTIONS sip:uas@${host.includes(':') ? `[${host}]` : host} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${host.includes(':') ? `[${host}]` : host}:${port};branch=${generateBranch()}${extraVia}`,
    'Max-Forwards: 70',
    'From: <sip:t@example.com>;tag=abc',
    'To: <sip:uas@example.com>',
    `Call-ID: ${generateBranch()}@test`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

function parseOne(buf: Buffer): SipMessage {
  const r = parseMessage(buf);
  if (!r.ok) throw new Error(r.error.reason);
  return r.message;
}

async function udpExchange(
  family: 4 | 6,
  host: string,
  port: number,
  payload: string | ((localPort: number) => string),
  waitMs = 2000,
): Promise<Buffer | undefined> {
  const sock = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  await new Promise<void>((r) => sock.bind(0, host, () => r()));
  const localPort = sock.address().port;
  const text = typeof payload === 'string' ? payload : payload(localPort);
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const t = setTimeout(() => resolve(undefined), waitMs);
      sock.once('message', (m) => {
        clearTimeout(t);
        resolve(m);
      });
      sock.send(text, port, host);
    });
  } finally {
    sock.close();
  }
}

function tcpConnect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => resolve(s));
    s.once('error', reject);
  });
}

function readUntil(sock: net.Socket, pred: (acc: Buffer) => boolean, ms = 2000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0);
    const t = setTimeout(() => reject(new Error(`timeout, got ${JSON.stringify(acc.toString())}`)), ms);
    const on = (d: Buffer) => {
      acc = Buffer.concat([acc, d]);
      if (pred(acc)) {
        clearTimeout(t);
        sock.off('data', on);
        resolve(acc);
      }
    };
    sock.on('data', on);
  });
}

const closed = (sock: net.Socket, ms = 3000) =>
  new Promise<boolean>((resolve) => {
    if (sock.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    sock.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
    sock.resume();
  });

describe('transport layer on loopback', () => {
  it('IPv6 ::1: UDP answers to received/rport, TCP answers on the same connection', async () => {
    const uas = await uasOn([
      { transport: 'udp', address: '::1', port: 0 },
      { transport: 'tcp', address: '::1', port: 0 },
    ]);
    expect(uas.transport.listeners().every((l) => l.family === 6)).toBe(true);
    // 4 MB UDP buffers, unless the kernel caps them lower (net.core.rmem_max).
    const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const udp = uas.transport.listeners().find((l) => l.transport === 'udp')!;
    expect(udp.recvBufferSize).toBeGreaterThanOrEqual(Math.min(4 * 1024 * 1024, rmemMax));
    // Via advertises a wrong port: with rport the response must still come back to our socket.
    const res = await udpExchange(6, '::1', uas.port('udp', 6), () => options('UDP', '::1', 9, ';rport'));
    expect(res, 'UDP response').toBeDefined();
    const msg = parseOne(res!) as SipResponse;
    expect(msg.status).toBe(200);
    const via = msg.topVia()!;
    expect(via.received).toBe('::1'); // bare, RFC 3261 §25.1 (see via-received.ts)
    expect(typeof via.rport).toBe('number');

    const sock = await tcpConnect('::1', uas.port('tcp', 6));
    cleanups.push(() => void sock.destroy());
    sock.write(options('TCP', '::1', 5060, ''));
    const buf = await readUntil(sock, (b) => b.includes('\r\n\r\n'));
    expect(buf.toString()).toMatch(/^SIP\/2\.0 200 OK\r\n/);
    const conns = uas.transport.connectionList();
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({
      transport: 'tcp',
      direction: 'inbound',
      state: 'open',
      remoteAddress: '::1',
      messagesIn: 1,
      messagesOut: 1,
    });
  });

  it('binds all addresses (sip-address unset) on IPv4 and IPv6', async () => {
    const { listenersFromSipAddress } = await import('../../src/sip/index.js');
    const specs = listenersFromSipAddress({ udpPort: 0, tcpPort: 0 });
    expect(specs.map((s) => `${s.transport} ${s.address}`)).toEqual(['udp 0.0.0.0', 'tcp 0.0.0.0', 'udp ::', 'tcp ::']);
    const uas = await uasOn(specs);
    const r4 = await udpExchange(4, '127.0.0.1', uas.port('udp', 4), (p) => options('UDP', '127.0.0.1', p));
    const r6 = await udpExchange(6, '::1', uas.port('udp', 6), (p) => options('UDP', '::1', p));
    expect(r4?.toString()).toMatch(/^SIP\/2\.0 200/);
    expect(r6?.toString()).toMatch(/^SIP\/2\.0 200/);
    expect(listenersFromSipAddress({ sipAddress: '127.0.0.1', udpPort: 5060 })).toEqual([
      { transport: 'udp', address: '127.0.0.1', port: 5060 },
    ]);
  });

  it('UDP garbage: an answerable request gets 400 with the parser reason, junk is dropped and counted', async () => {
    const uas = await uasOn([{ transport: 'udp', address: '127.0.0.1', port: 0 }]);
    const port = uas.port('udp');
    const bad = (p: number) => options('UDP', '127.0.0.1', p).replace('Max-Forwards: 70', 'Max-Forwards: lots');
    const res = await udpExchange(4, '127.0.0.1', port, bad);
    expect(res?.toString()).toMatch(/^SIP\/2\.0 400 /);
    const reason = res!.toString().split('\r\n')[0].slice('SIP/2.0 400 '.length);
    expect(reason.length).toBeGreaterThan(0);
    expect(reason).not.toBe('Bad Request'); // the parse error's own phrase
    const none = await udpExchange(4, '127.0.0.1', port, 'this is not SIP at all\r\n\r\n', 300);
    expect(none).toBeUndefined();
    const keepalive = await udpExchange(4, '127.0.0.1', port, '\r\n\r\n', 300);
    expect(keepalive).toBeUndefined();
    const stats = uas.transport.stats().udp;
    expect(stats).toMatchObject({ parseErrors: 2, badRequestsSent: 1, dropped: 1, keepalives: 1 });
  });

  it('TCP: answers CRLFCRLF pings with a CRLF pong; a 400 for a bad request on a stream', async () => {
    const uas = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }]);
    const sock = await tcpConnect('127.0.0.1', uas.port('tcp'));
    cleanups.push(() => void sock.destroy());
    sock.write('\r\n\r\n');
    const pong = await readUntil(sock, (b) => b.length >= 2);
    expect(pong.toString()).toBe('\r\n');
    sock.write(options('TCP', '127.0.0.1', 5060, '').replace('Max-Forwards: 70', 'Max-Forwards: x'));
    const res = await readUntil(sock, (b) => b.includes('\r\n\r\n'));
    expect(res.toString()).toMatch(/^SIP\/2\.0 400 /);
    expect(uas.transport.stats().stream.keepalivesAnswered).toBe(1);
  });

  it('caps connections per remote address and in total', async () => {
    const uas = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }], { connections: { maxConnectionsPerAddress: 2 } });
    const port = uas.port('tcp');
    const a = await tcpConnect('127.0.0.1', port);
    const b = await tcpConnect('127.0.0.1', port);
    cleanups.push(
      () => void a.destroy(),
      () => void b.destroy(),
    );
    await sleep(50);
    const c = await tcpConnect('127.0.0.1', port);
    expect(await closed(c)).toBe(true);
    expect(uas.transport.stats().stream.rejectedByLimit).toBe(1);
    expect(uas.transport.connectionList()).toHaveLength(2);

    const uas2 = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }], { connections: { maxConnections: 1 } });
    const d = await tcpConnect('127.0.0.1', uas2.port('tcp'));
    cleanups.push(() => void d.destroy());
    await sleep(50);
    const e = await tcpConnect('127.0.0.1', uas2.port('tcp'));
    expect(await closed(e)).toBe(true);
    expect(await closed(d, 200)).toBe(false);
  });

  it('closes idle connections and emits a close event', async () => {
    const uas = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }], { connections: { idleTimeoutMs: 200 } });
    const events: ConnectionInfo[] = [];
    uas.transport.onConnectionClose((info) => events.push(info));
    const sock = await tcpConnect('127.0.0.1', uas.port('tcp'));
    cleanups.push(() => void sock.destroy());
    const t0 = Date.now();
    expect(await closed(sock, 2000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    await sleep(20);
    expect(events).toHaveLength(1);
    expect(events[0].state).toBe('closed');
    expect(uas.transport.stats().stream.idleClosed).toBe(1);
  });

  it('client and server on the stack over TCP: one connection, reused, responses on it', async () => {
    const uas = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }]);
    const client = await TransportLayer.create({ listeners: [{ transport: 'tcp', address: '127.0.0.1', port: 0 }] });
    const txl = new TransactionLayer(client);
    cleanups.push(async () => {
      txl.close();
      await client.close();
    });
    const local = client.localEndpoint('tcp')!;
    for (let i = 0; i < 3; i++) {
      const req = parseOne(Buffer.from(options('TCP', '127.0.0.1', local.port, ''))) as SipRequest;
      const status = await new Promise<number>((resolve, reject) => {
        txl.sendRequest(
          req,
          { transport: 'tcp', host: '127.0.0.1', port: uas.port('tcp') },
          {
            onFinal: (r) => resolve(r.status),
            onTimeout: () => reject(new Error('timeout')),
            onTransportError: (e) => reject(e),
          },
        );
      });
      expect(status).toBe(200);
    }
    const mine = client.connectionList();
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ direction: 'outbound', state: 'open', messagesOut: 3, messagesIn: 3 });
    expect(uas.transport.connectionList()).toHaveLength(1);
    expect(uas.transport.stats().stream.accepted).toBe(1);
  });

  it('reports a transport error to the client transaction when the peer refuses the connection', async () => {
    const client = await TransportLayer.create({ listeners: [{ transport: 'udp', address: '127.0.0.1', port: 0 }] });
    const txl = new TransactionLayer(client);
    cleanups.push(async () => {
      txl.close();
      await client.close();
    });
    const probe = net.createServer();
    const deadPort = await new Promise<number>((r) => probe.listen(0, '127.0.0.1', () => r((probe.address() as net.AddressInfo).port)));
    await new Promise((r) => probe.close(r));
    const req = parseOne(Buffer.from(options('TCP', '127.0.0.1', 5060, ''))) as SipRequest;
    const err = await new Promise<Error>((resolve) => {
      txl.sendRequest(req, { transport: 'tcp', host: '127.0.0.1', port: deadPort }, { onTransportError: (e) => resolve(e) });
    });
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(txl.stats().clientTransactions).toBe(0);
  });

  it('a peer dropping the TCP connection fails the pending client transaction at once', async () => {
    const peer = net.createServer((s) => s.once('data', () => s.destroy()));
    const peerPort = await new Promise<number>((r) => peer.listen(0, '127.0.0.1', () => r((peer.address() as net.AddressInfo).port)));
    const client = await TransportLayer.create({ listeners: [] });
    const txl = new TransactionLayer(client);
    cleanups.push(async () => {
      txl.close();
      await client.close();
      await new Promise((r) => peer.close(r));
    });
    const req = parseOne(Buffer.from(options('TCP', '127.0.0.1', 5060, '').replace(/OPTIONS/g, 'INVITE'))) as SipRequest;
    const t0 = Date.now();
    const err = await new Promise<Error>((resolve) => {
      txl.sendRequest(req, { transport: 'tcp', host: '127.0.0.1', port: peerPort }, { onTransportError: (e) => resolve(e) });
    });
    expect(err.message).toMatch(/closed|ECONNRESET/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(txl.stats().clientTransactions).toBe(0);
  });

  it('requireConnection: sending down a flow that is gone fails instead of reconnecting', async () => {
    const client = await TransportLayer.create({ listeners: [] });
    cleanups.push(() => client.close());
    const req = parseOne(Buffer.from(options('TCP', '127.0.0.1', 5060, ''))) as SipRequest;
    await expect(
      client.sendAsync(req, { transport: 'tcp', host: '127.0.0.1', port: 9, connectionId: 'tcp-999999', requireConnection: true }),
    ).rejects.toThrow(/closed/);
    expect(client.connectionList()).toHaveLength(0);
  });

  it('closes the connection of a peer that stops reading once the write buffer cap is hit', async () => {
    const uas = await uasOn([{ transport: 'tcp', address: '127.0.0.1', port: 0 }], { connections: { maxWriteBufferBytes: 64 * 1024 } });
    const sock = await tcpConnect('127.0.0.1', uas.port('tcp'));
    cleanups.push(() => void sock.destroy());
    sock.pause(); // never read: responses pile up in the kernel and then in Node's buffer
    const burst: string[] = [];
    // ~1.3 KB responses (long From is echoed) x 20000 = 26 MB, more than loopback kernel buffers hold.
    const pad = 'x'.repeat(1000);
    for (let i = 0; i < 20000; i++) {
      burst.push(
        options('TCP', '127.0.0.1', 5060, '')
          .replace(/Call-ID: [^\r]+/, `Call-ID: slow-${i}`)
          .replace('From: <', `From: "${pad}" <`),
      );
    }
    sock.write(burst.join(''));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('connection not closed')), 20000);
      uas.transport.onConnectionClose(() => {
        clearTimeout(t);
        resolve();
      });
    });
    expect(uas.transport.stats().stream.slowConsumersClosed).toBe(1);
  });

  it('TLS listener works with a key/cert passed in (and an outbound TLS client)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sip-tls-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(path.join(dir, 'key.pem'));
    const cert = readFileSync(path.join(dir, 'cert.pem'));
    const uas = await uasOn([
      { transport: 'tls', address: '127.0.0.1', port: 0, tls: { key, cert, minVersion: 'TLSv1.2', requestCert: false } },
    ]);
    const client = await TransportLayer.create({ listeners: [], connections: { tlsClient: { ca: cert } } });
    const txl = new TransactionLayer(client);
    cleanups.push(async () => {
      txl.close();
      await client.close();
    });
    const req = parseOne(Buffer.from(options('TLS', '127.0.0.1', 5061, ''))) as SipRequest;
    const status = await new Promise<number>((resolve, reject) => {
      txl.sendRequest(
        req,
        { transport: 'tls', host: '127.0.0.1', port: uas.port('tls') },
        {
          onFinal: (r) => resolve(r.status),
          onTransportError: (e) => reject(e),
        },
      );
    });
    expect(status).toBe(200);
    expect(client.connectionList()[0]).toMatchObject({ transport: 'tls', state: 'open' });
  });
});
