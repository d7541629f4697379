import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionManager } from './connection-manager.js';
import { applyKeepAlive, describeKeepAlive } from './keepalive.js';
import { getIpTos, getTcpKeepAlive, setIpTos, setTcpKeepAlive, socketFd, socketOptionsSupport } from './socket-options.js';

// `npm test` builds the addon before the suites (scripts/build.mjs); without it these tests say why.
const addon = socketOptionsSupport();

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function udp(type: 'udp4' | 'udp6', address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
  cleanups.push(() => s.close());
  return new Promise((resolve) => s.bind(0, address, () => resolve(s)));
}

async function tcpPair(): Promise<{ client: net.Socket; accepted: net.Socket }> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const a = await accepted;
  cleanups.push(() => {
    client.destroy();
    a.destroy();
    server.close();
  });
  return { client, accepted: a };
}

describe('socket-options addon', () => {
  it('is built and loads', () => {
    expect(addon.available, addon.detail).toBe(true);
  });

  it('sets and reads back the TOS byte of UDP sockets (IPv4 IP_TOS, IPv6 IPV6_TCLASS)', async () => {
    const v4 = await udp('udp4', '127.0.0.1');
    expect(socketFd(v4)).toBeGreaterThanOrEqual(0);
    expect(setIpTos(v4, 4, 0xb8)).toEqual({ ok: true });
    expect(getIpTos(v4, 4)).toBe(0xb8);
    const v6 = await udp('udp6', '::1');
    expect(setIpTos(v6, 6, 0x68)).toEqual({ ok: true });
    expect(getIpTos(v6, 6)).toBe(0x68);
  });

  it('sets keep-alive idle, interval and count on a TCP socket', async () => {
    const { client } = await tcpPair();
    expect(setTcpKeepAlive(client, 7, 3, 4)).toEqual({ ok: true });
    expect(getTcpKeepAlive(client)).toEqual({ enabled: true, idleS: 7, intervalS: 3, count: 4, userTimeoutMs: 0 });
  });

  it('reports, never throws, on a closed socket or a value the kernel refuses', async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => s.close(resolve));
    expect(socketFd(s)).toBe(-1);
    expect(setIpTos(s, 4, 1)).toMatchObject({ ok: false, code: 'EBADF' });
    expect(getIpTos(s, 4)).toBeUndefined();
    const { client } = await tcpPair();
    // TCP_KEEPCNT is capped at 127 by Linux: EINVAL comes back as a result.
    expect(setTcpKeepAlive(client, 1, 1, 100000)).toMatchObject({ ok: false, code: 'EINVAL' });
  });
});

describe('applyKeepAlive', () => {
  it('sets every timing on an accepted socket at once and on an outbound socket once it connects', async () => {
    const server = net.createServer();
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const results: boolean[] = [];
    applyKeepAlive(client, { enabled: true, idleS: 9, intervalS: 2, count: 3 }, (r) => results.push(r.ok));
    expect(socketFd(client)).toBe(-1); // not connected yet: deferred
    await new Promise<void>((resolve) => client.once('connect', resolve));
    const a = await accepted;
    cleanups.push(() => {
      client.destroy();
      a.destroy();
      server.close();
    });
    applyKeepAlive(a, { enabled: true, idleS: 11, intervalS: 4, count: 6 });
    expect(results).toEqual([true]);
    expect(getTcpKeepAlive(client)).toEqual({ enabled: true, idleS: 9, intervalS: 2, count: 3, userTimeoutMs: 15_000 });
    expect(getTcpKeepAlive(a)).toEqual({ enabled: true, idleS: 11, intervalS: 4, count: 6, userTimeoutMs: 35_000 });
  });

  it('leaves the socket alone when disabled', async () => {
    const { client } = await tcpPair();
    applyKeepAlive(client, { enabled: false, idleS: 5, intervalS: 1, count: 1 });
    expect(getTcpKeepAlive(client)?.enabled).toBe(false);
  });
});

describe('ConnectionManager socket options', () => {
  it('puts the TOS byte and keep-alive timings on inbound and outbound connections', async () => {
    const seen: { id: string; direction: string }[] = [];
    const mgr = new ConnectionManager(
      { ipTos: 0x2e << 2, keepAlive: { enabled: true, idleS: 5, intervalS: 2, count: 3 } },
      { message: () => undefined, open: (i) => seen.push({ id: i.id, direction: i.direction }) },
    );
    cleanups.push(() => void mgr.close());
    const server = await mgr.listen('tcp', '127.0.0.1', 0);
    const port = (server.address() as net.AddressInfo).port;
    // An outbound connection from the same manager to its own listener gives one of each direction.
    const sent = mgr.send(
      Buffer.from('OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n'),
      { transport: 'tcp', host: '127.0.0.1', port },
      1,
      undefined,
    );
    expect(typeof sent).toBe('string'); // the connection id
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen.map((s) => s.direction).sort()).toEqual(['inbound', 'outbound']);
    expect(mgr.socketOptionFailures()).toEqual({});
    expect(mgr.counters.socketOptionErrors).toBe(0);
  });
});

describe('describeKeepAlive', () => {
  it('without the addon: says which timings the OS overrides', () => {
    const t = describeKeepAlive({ enabled: true, idleS: 30, intervalS: 5, count: 3 }, { intervalS: 75, count: 9 }, false);
    expect(t).toMatch(/after 30 s idle/);
    expect(t).toMatch(/tcp-keep-alive-interval=5 s cannot be set without the socket-options addon/);
    expect(t).toMatch(/about 705 s/);
    expect(describeKeepAlive({ enabled: false, idleS: 60 }, {}, true)).toMatch(/off/);
  });

  it('with the addon: the configured timings apply', () => {
    const t = describeKeepAlive({ enabled: true, idleS: 30, intervalS: 5, count: 3 }, { intervalS: 75, count: 9 }, true);
    expect(t).toMatch(/probes every 5 s/);
    expect(t).toMatch(/about 45 s/);
    expect(t).not.toMatch(/cannot be set/);
  });
});
