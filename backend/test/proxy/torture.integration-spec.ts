/**
 * RFC 4475 torture messages (every message of the RFC, from the message model's fixtures) sent to a running
 * proxy over UDP and TCP: the worker must neither crash nor stall, and must still answer afterwards.
 */
import { describe, expect, it } from 'vitest';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { TORTURE } from '../fixtures/rfc4475.js';
import { startProxy } from './peers.js';
import { freePort, sleep } from '../helpers/net.js';

function options(port: number, branch: string): Buffer {
  return Buffer.from(
    [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK${branch}`,
      'Max-Forwards: 70',
      'From: <sip:t@127.0.0.1>;tag=1',
      'To: <sip:127.0.0.1>',
      `Call-ID: ${branch}@t`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

/** Sends an OPTIONS for the proxy itself and waits for its 200. */
async function alive(port: number): Promise<string> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no answer to OPTIONS')), 3000);
      s.on('message', (m) => {
        clearTimeout(t);
        resolve(m.toString('latin1'));
      });
    });
    s.send(options(port, `alive${Date.now()}`), port, '127.0.0.1');
    return await answer;
  } finally {
    s.close();
  }
}

describe('RFC 4475 torture messages against the running proxy', () => {
  it(`survives all ${TORTURE.length} messages over UDP and TCP and still answers`, async () => {
    const proxy = await startProxy({
      servingPair: 'SIPServer_A',
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: await freePort(), transport: 'udp' } }],
      oosCheckS: 0,
    });
    const errors: unknown[] = [];
    const onErr = (e: unknown): void => {
      errors.push(e);
    };
    process.on('uncaughtException', onErr);
    try {
      const u = dgram.createSocket('udp4');
      await new Promise<void>((r) => u.bind(0, '127.0.0.1', () => r()));
      for (const m of TORTURE) u.send(m.bytes, proxy.port, '127.0.0.1');
      await sleep(300);
      u.close();
      expect((await alive(proxy.port)).startsWith('SIP/2.0 200')).toBe(true);

      for (const m of TORTURE) {
        const c = net.connect(proxy.port, '127.0.0.1');
        c.on('error', () => undefined);
        await new Promise<void>((r) => c.once('connect', () => r()));
        c.write(m.bytes);
        await sleep(5);
        c.destroy();
      }
      // All at once on one connection too (framing errors close it).
      const c = net.connect(proxy.port, '127.0.0.1');
      c.on('error', () => undefined);
      await new Promise<void>((r) => c.once('connect', () => r()));
      c.write(Buffer.concat(TORTURE.map((m) => m.bytes)));
      await sleep(300);
      c.destroy();

      expect((await alive(proxy.port)).startsWith('SIP/2.0 200')).toBe(true);
      const st = proxy.worker.status();
      expect(st.transport.handlerErrors).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onErr);
      await proxy.stop();
    }
  });
});
