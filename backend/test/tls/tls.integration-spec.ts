/**
 * TLS at the proxy over loopback with certificates made by the test (test/tls/certs.ts): start-up errors (40006),
 * handshakes checked with `openssl s_client` (mutual TLS: good client, no certificate, foreign CA; TLS 1.1 refused),
 * calls with TLS on both sides and UDP (SIPp) on one side, Record-Route per side, RFC 5922 verification of the
 * next hop's certificate.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ProxyWorker, WorkerStartError } from '../../src/worker/proxy-worker.js';
import { Logger, type LogRecord } from '../../src/worker/log.js';
import { defaultRuntimeConfig, isRequest, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { runUac, scenario, SippUas } from '../helpers/sipp.js';
import { StreamServer, branch, isReq, isResp, request, tlsConnect, udpEndpoint } from './sip-peer.js';
import { freePort, waitFor } from '../helpers/net.js';
import { proxyTls, servingPair, startTlsProxy, useTestPki } from './tls-proxy.js';

const pki = useTestPki();

/** Runs `openssl s_client` against the proxy, sends one OPTIONS, returns everything it printed. */
function sClient(port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki.ca, '-verify_return_error', '-servername', 'localhost', ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const opt = request('OPTIONS', `sip:127.0.0.1:${port};transport=tls`, {
      via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
      callId: `sc-${Date.now()}`,
      to: `<sip:127.0.0.1:${port}>`,
    });
    setTimeout(() => child.stdin.write(opt), 300);
    setTimeout(() => child.stdin.end(), 1200);
    const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('exit', () => {
      clearTimeout(hard);
      resolve(out);
    });
  });
}

describe('TLS listener start-up', () => {
  it('a key that does not match the certificate is event 40006 (Cannot start SIP listener), not a crash', async () => {
    const logs: LogRecord[] = [];
    const cfg = defaultRuntimeConfig({
      appName: 'SIPProxy_TLS',
      listenHost: '127.0.0.1',
      sipPort: await freePort(),
      tlsPort: await freePort(),
      transports: ['udp', 'tcp', 'tls'],
      tls: proxyTls(pki, { certificateKey: pki.peerKey }),
    });
    const err = await ProxyWorker.start(cfg, {
      logger: new Logger('SIPProxy_TLS', (l) => logs.push(JSON.parse(l) as LogRecord)),
      management: false,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkerStartError);
    expect((err as WorkerStartError).event).toBe(40006);
    const rec = logs.find((l) => l.event === 40006)!;
    expect(rec.eventName).toBe('SPR_SIP_LISTENER_CANNOT_START');
    expect(rec.msg).toMatch(/^Cannot start SIP listener: .*certificate-key .* does not match certificate/);
    expect(rec.option).toBe('certificate-key');
  });

  it('a certificate file that does not load is event 40006 naming the file', async () => {
    const logs: LogRecord[] = [];
    const cfg = defaultRuntimeConfig({
      appName: 'SIPProxy_TLS',
      listenHost: '127.0.0.1',
      sipPort: await freePort(),
      tlsPort: await freePort(),
      transports: ['udp', 'tcp', 'tls'],
      tls: proxyTls(pki, { certificate: `${pki.dir}/missing.pem` }),
    });
    const err = await ProxyWorker.start(cfg, {
      logger: new Logger('SIPProxy_TLS', (l) => logs.push(JSON.parse(l) as LogRecord)),
      management: false,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as WorkerStartError).event).toBe(40006);
    expect(logs.find((l) => l.event === 40006)?.msg).toMatch(/missing\.pem" cannot be read/);
  });

  it('inline PEM material works like paths', async () => {
    const proxy = await startTlsProxy(pki, {
      tls: proxyTls(pki, { certificate: pki.pem(pki.proxyCert), certificateKey: pki.pem(pki.proxyKey), trustedCa: pki.pem(pki.ca) }),
    });
    try {
      expect(proxy.worker.status().listeners.map((l) => l.transport)).toContain('tls');
      const out = await sClient(proxy.worker.config.tlsPort!, ['-brief']);
      expect(out).toMatch(/SIP\/2\.0 200 OK/);
    } finally {
      await proxy.stop();
    }
  });
});

describe('handshakes with openssl s_client', () => {
  it('TLS 1.3 by default, TLS 1.2 accepted, TLS 1.1 refused', async () => {
    const proxy = await startTlsProxy(pki);
    const port = proxy.worker.config.tlsPort!;
    try {
      expect(await sClient(port, ['-brief'])).toMatch(/Protocol version: TLSv1\.3[\s\S]*SIP\/2\.0 200 OK/);
      expect(await sClient(port, ['-brief', '-tls1_2'])).toMatch(/Protocol version: TLSv1\.2[\s\S]*SIP\/2\.0 200 OK/);
      const old = await sClient(port, ['-brief', '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0']);
      expect(old).not.toMatch(/SIP\/2\.0 200/);
      expect(old).toMatch(/alert protocol version|unsupported protocol|no protocols available|wrong version/i);
    } finally {
      await proxy.stop();
    }
  });

  it('mutual TLS: a client with a certificate from the trusted CA gets in; no certificate or a foreign CA is refused in the handshake', async () => {
    const proxy = await startTlsProxy(pki, { tls: proxyTls(pki, { mutual: true }) });
    const port = proxy.worker.config.tlsPort!;
    try {
      const good = await sClient(port, ['-brief', '-cert', pki.clientCert, '-key', pki.clientKey]);
      expect(good).toMatch(/SIP\/2\.0 200 OK/);
      const none = await sClient(port, ['-brief']);
      expect(none).not.toMatch(/SIP\/2\.0 200/);
      expect(none).toMatch(/alert certificate required|alert handshake failure/i);
      const foreign = await sClient(port, ['-brief', '-cert', pki.foreignClientCert, '-key', pki.foreignClientKey]);
      expect(foreign).not.toMatch(/SIP\/2\.0 200/);
      // TLS 1.3: the client finishes first, then the server drops the handshake without a usable alert.
      expect(foreign).toMatch(/alert unknown ca|alert bad certificate|unexpected eof/i);
      // At TLS 1.2 the refusal is inside the handshake proper, with an alert naming the reason.
      const none12 = await sClient(port, ['-brief', '-tls1_2']);
      expect(none12).not.toMatch(/SIP\/2\.0 200/);
      expect(none12).toMatch(/alert handshake failure|alert certificate required/i);
      const foreign12 = await sClient(port, ['-brief', '-tls1_2', '-cert', pki.foreignClientCert, '-key', pki.foreignClientKey]);
      expect(foreign12).not.toMatch(/SIP\/2\.0 200/);
      expect(foreign12).toMatch(/alert unknown ca|alert bad certificate|alert handshake failure|unexpected eof/i);
      const st = proxy.worker.status();
      expect(st.transport.stream.tlsHandshakeErrors).toBe(4);
      // Only the good client's OPTIONS reached the proxy core.
      expect(st.counters.requestsIn.OPTIONS).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('calls over TLS', () => {
  it('TLS on both sides: one transport, one Record-Route with transport=tls; ACK and BYE by Route', async () => {
    const uas = await StreamServer.start({ tls: { cert: pki.pem(pki.peerCert), key: pki.pem(pki.peerKey) } });
    uas.responder = (req, ep) => {
      if (req.method === 'INVITE') {
        ep.reply(req, 180, [], 'Ringing');
        ep.reply(req, 200, [`Contact: <sip:2000@127.0.0.1:${uas.port};transport=tls>`]);
      } else ep.reply(req, 200);
    };
    const proxy = await startTlsProxy(pki, { ...servingPair('127.0.0.1', uas.port, 'tls') });
    const tp = proxy.worker.config.tlsPort!;
    const ua = await tlsConnect(tp, { ca: pki.pem(pki.ca) });
    try {
      const inv = request('INVITE', `sip:2000@127.0.0.1:${tp}`, {
        via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
        callId: 'tls-call-1',
        contact: '<sip:1000@127.0.0.1:5999;transport=tls>',
      });
      ua.send(inv);
      const ok = await ua.waitFor(isResp(200, 'INVITE'));
      const rr = ok.headers.getAll('record-route');
      expect(rr).toEqual([`<sip:127.0.0.1:${tp};transport=tls;lr>`]);
      const atUas = (await uas.waitFor(isReq('BYE'), 50).catch(() => undefined)) === undefined;
      expect(atUas).toBe(true);
      const invAtUas = uas.all().find((m) => isRequest(m) && m.method === 'INVITE') as SipRequest;
      expect(invAtUas.headers.getAll('via')[0]).toMatch(/^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;branch=/);
      const toTag = ok.to().tag!;
      const route = `Route: ${rr[0]}`;
      ua.send(
        request('ACK', `sip:2000@127.0.0.1:${uas.port};transport=tls`, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'tls-call-1',
          to: `<sip:2000@example.com>;tag=${toTag}`,
          extra: [route],
        }),
      );
      ua.send(
        request('BYE', `sip:2000@127.0.0.1:${uas.port};transport=tls`, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'tls-call-1',
          cseq: 2,
          to: `<sip:2000@example.com>;tag=${toTag}`,
          extra: [route],
        }),
      );
      await uas.waitFor(isReq('ACK'), 5000, 'ACK at UAS');
      await ua.waitFor(isResp(200, 'BYE'));
      // One TLS connection from the proxy to the SIP Server carried the whole dialog (reused, not per transaction).
      expect(uas.endpoints.length).toBe(1);
    } finally {
      ua.close();
      await proxy.stop();
      await uas.close();
    }
  });

  it("UDP on the UA side (SIPp), TLS to the SIP Server: two Record-Route entries, each with its side's transport and port", async () => {
    const uas = await StreamServer.start({ tls: { cert: pki.pem(pki.peerCert), key: pki.pem(pki.peerKey) } });
    uas.responder = (req, ep) => {
      if (req.method === 'INVITE') {
        ep.reply(req, 180, [], 'Ringing');
        ep.reply(req, 200, [`Contact: <sip:2000@127.0.0.1:${uas.port};transport=tls>`, 'Content-Type: application/sdp']);
      } else ep.reply(req, 200);
    };
    const proxy = await startTlsProxy(pki, { ...servingPair('127.0.0.1', uas.port, 'tls') });
    try {
      const r = await runUac({
        scenario: scenario('uac_call.xml'),
        target: proxy.target,
        transport: 'udp',
        calls: 5,
        rate: 5,
        extra: ['-d', '50'],
      });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(5);
      const inv = uas.all().find((m) => isRequest(m) && m.method === 'INVITE') as SipRequest;
      expect(inv.headers.getAll('record-route')).toEqual([
        `<sip:127.0.0.1:${proxy.worker.config.tlsPort};transport=tls;lr>`,
        `<sip:127.0.0.1:${proxy.port};lr>`,
      ]);
      expect(uas.all().filter((m) => isRequest(m) && m.method === 'BYE').length).toBe(5);
    } finally {
      await proxy.stop();
      await uas.close();
    }
  });

  it('TLS on the UA side, UDP SIP Server (SIPp): two Record-Route entries the other way round', async () => {
    const uasPort = await freePort();
    const sipp = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport: 'udp' });
    const proxy = await startTlsProxy(pki, { ...servingPair('127.0.0.1', uasPort, 'udp') });
    const tp = proxy.worker.config.tlsPort!;
    const ua = await tlsConnect(tp, { ca: pki.pem(pki.ca) });
    try {
      ua.send(
        request('INVITE', `sip:2000@127.0.0.1:${tp}`, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'tls-udp-1',
          contact: '<sip:1000@127.0.0.1:5999;transport=tls>',
        }),
      );
      const ok = await ua.waitFor(isResp(200, 'INVITE'), 10_000);
      const rr = ok.headers.getAll('record-route');
      expect(rr).toEqual([`<sip:127.0.0.1:${proxy.port};lr>`, `<sip:127.0.0.1:${tp};transport=tls;lr>`]);
      const toTag = ok.to().tag!;
      const routes = [...rr].reverse().map((v) => `Route: ${v}`);
      const contact = ok.headers.get('contact')!.replace(/^.*<|>.*$/g, '');
      ua.send(
        request('ACK', contact, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'tls-udp-1',
          to: `<sip:2000@example.com>;tag=${toTag}`,
          extra: routes,
        }),
      );
      ua.send(
        request('BYE', contact, {
          via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
          callId: 'tls-udp-1',
          cseq: 2,
          to: `<sip:2000@example.com>;tag=${toTag}`,
          extra: routes,
        }),
      );
      await ua.waitFor(isResp(200, 'BYE'), 10_000);
    } finally {
      ua.close();
      await proxy.stop();
      await sipp.kill();
    }
  });
});

describe('next-hop certificate verification (RFC 5922)', () => {
  it('a SIP Server whose certificate is from an untrusted CA is refused (the caller gets an error); trusted again with verify-server-certificate false', async () => {
    // The SIP Server presents a certificate issued by the foreign CA.
    const uas = await StreamServer.start({ tls: { cert: pki.pem(pki.foreignClientCert), key: pki.pem(pki.foreignClientKey) } });
    uas.responder = (req, ep) => ep.reply(req, 200);
    for (const verify of [true, false]) {
      const proxy = await startTlsProxy(pki, {
        ...servingPair('127.0.0.1', uas.port, 'tls'),
        tls: proxyTls(pki, { verifyServerCertificate: verify }),
      });
      const tp = proxy.worker.config.tlsPort!;
      const ua = await tlsConnect(tp, { ca: pki.pem(pki.ca) });
      try {
        ua.send(
          request('MESSAGE', `sip:2000@127.0.0.1:${tp}`, {
            via: `SIP/2.0/TLS 127.0.0.1:5999;branch=${branch()}`,
            callId: `verify-${verify}`,
          }),
        );
        const r = (await ua.waitFor((m) => !isRequest(m) && m.status >= 200, 10_000)) as SipResponse;
        if (verify) expect(r.status).toBeGreaterThanOrEqual(500);
        else expect(r.status).toBe(200);
      } finally {
        ua.close();
        await proxy.stop();
      }
    }
    await uas.close();
  });
});

describe('reaching destinations over TLS', () => {
  it('an Extension DN contact with ;transport=tls and a sips: Request-URI from the SIP Server both go over TLS', async () => {
    const dev = await StreamServer.start({ tls: { cert: pki.pem(pki.peerCert), key: pki.pem(pki.peerKey) } });
    dev.responder = (req, ep) => ep.reply(req, 200);
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const proxy = await startTlsProxy(pki, {
      ...servingPair('127.0.0.1', server.port, 'udp'),
      extensions: [{ number: '3000', contact: `127.0.0.1:${dev.port};transport=tls` }],
    });
    server.udp!.to.port = proxy.port;
    try {
      const send = (uri: string, callId: string): void =>
        server.send(
          request('MESSAGE', uri, {
            via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
            callId,
            to: '<sip:3000@example.com>',
          }),
        );
      send(`sip:3000@127.0.0.1:${proxy.port}`, 'ext-tls');
      const a = await dev.waitFor(isReq('MESSAGE'));
      expect((a.m as SipRequest).topVia()!.transport).toBe('TLS');
      await waitFor(() => server.received.filter(isResp(200, 'MESSAGE')).length === 1, 5000, '200 OK at the SIP Server');
      send(`sips:3001@127.0.0.1:${dev.port}`, 'sips-uri');
      const b = await dev.waitFor(isReq('MESSAGE'));
      expect((b.m as SipRequest).requestUri).toBe(`sips:3001@127.0.0.1:${dev.port}`);
      await waitFor(() => server.received.filter(isResp(200, 'MESSAGE')).length === 2, 5000, 'two 200 OK at the SIP Server');
      // Both went over the one TLS connection the proxy opened to the device.
      expect(dev.endpoints.length).toBe(1);
    } finally {
      server.close();
      await proxy.stop();
      await dev.close();
    }
  });
});

describe('RFC 5922 identity of a next hop reached by name', () => {
  it('a contact host name is checked against the certificate: localhost matches the DNS SAN; a certificate without it is refused', async () => {
    for (const [cert, key, ok] of [
      [pki.namedCert, pki.namedKey, true],
      [pki.clientCert, pki.clientKey, false],
    ] as const) {
      // Same trusted CA both times; only the names differ: named.pem has DNS:localhost and no IP SAN (so only the
      // resolved name can match), client.pem names client.test only.
      const dev = await StreamServer.start({ tls: { cert: pki.pem(cert), key: pki.pem(key) } });
      dev.responder = (req, ep) => ep.reply(req, 200);
      const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
      const proxy = await startTlsProxy(pki, {
        ...servingPair('127.0.0.1', server.port, 'udp'),
        extensions: [{ number: '3000', contact: `localhost:${dev.port};transport=tls` }],
      });
      server.udp!.to.port = proxy.port;
      try {
        server.send(
          request('MESSAGE', `sip:3000@127.0.0.1:${proxy.port}`, {
            via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
            callId: `name-${ok}`,
            to: '<sip:3000@example.com>',
          }),
        );
        const r = (await server.waitFor((m) => !isRequest(m) && m.status >= 200, 10_000)) as SipResponse;
        if (ok) expect(r.status).toBe(200);
        else {
          expect(r.status).toBeGreaterThanOrEqual(500);
          expect(dev.all().length).toBe(0);
        }
      } finally {
        server.close();
        await proxy.stop();
        await dev.close();
      }
    }
  });

  it('a connection verified for one name is not reused for a hop its certificate does not name at the same address', async () => {
    // named.pem has DNS:localhost and no IP SAN. 3000 is reached by name (verified: 200); 3001 is the same address
    // and port as an IP literal, which that certificate does not cover: reusing the open connection would skip the
    // check, so the proxy must open (and fail) a new one.
    const dev = await StreamServer.start({ tls: { cert: pki.pem(pki.namedCert), key: pki.pem(pki.namedKey) } });
    dev.responder = (req, ep) => ep.reply(req, 200);
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const proxy = await startTlsProxy(pki, {
      ...servingPair('127.0.0.1', server.port, 'udp'),
      extensions: [
        { number: '3000', contact: `localhost:${dev.port};transport=tls` },
        { number: '3001', contact: `127.0.0.1:${dev.port};transport=tls` },
      ],
    });
    server.udp!.to.port = proxy.port;
    const send = async (user: string): Promise<number> => {
      server.send(
        request('MESSAGE', `sip:${user}@127.0.0.1:${proxy.port}`, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: `reuse-${user}-${Date.now()}`,
          to: `<sip:${user}@example.com>`,
        }),
      );
      const r = (await server.waitFor(
        (m) => !isRequest(m) && m.status >= 200 && m.callId.startsWith(`reuse-${user}`),
        10_000,
      )) as SipResponse;
      return r.status;
    };
    try {
      expect(await send('3000')).toBe(200);
      expect(dev.all().length).toBe(1);
      expect(await send('3001')).toBeGreaterThanOrEqual(500);
      expect(dev.all().length).toBe(1);
      // The verified connection still serves its own name.
      expect(await send('3000')).toBe(200);
      expect(dev.all().length).toBe(2);
    } finally {
      server.close();
      await proxy.stop();
      await dev.close();
    }
  });
});
