/**
 * baresip (Debian, an RFC 5626 outbound-capable UA with TLS) registering through the proxy over TLS: the Path with
 * the flow token and ;ob, Flow-Timer in the 2xx, a request from the SIP Server reaching baresip down its flow, and
 * 430 once baresip is gone. baresip runs with a generated config in a temp dir on its own port; only its PID is
 * killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SipRequest, SipResponse } from '../../src/sip/index.js';
import { branch, isReq, isResp, request, udpEndpoint } from './sip-peer.js';
import { freePort, waitFor } from '../helpers/net.js';
import { servingPair, startTlsProxy, useTestPki } from './tls-proxy.js';

const pki = useTestPki();

function startBaresip(proxyTlsPort: number, listenPort: number): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'baresip-it-'));
  writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method\tepoll',
      `sip_listen\t127.0.0.1:${listenPort}`,
      `sip_cafile\t${pki.ca}`,
      'module_path\t/usr/lib/baresip/modules',
      'module\tuuid.so',
      'module_app\taccount.so',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'uuid'), randomUUID());
  writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:1000@127.0.0.1;transport=tls>;outbound="sip:127.0.0.1:${proxyTlsPort};transport=tls";regint=600;sipnat=outbound\n`,
  );
  const child = spawn('baresip', ['-f', dir, '-s', '-t', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('baresip as an RFC 5626 outbound UA over TLS', () => {
  it('registers through the proxy with an outbound flow (Path ;ob, Flow-Timer); reached down its flow; 430 when gone', async () => {
    const server = await udpEndpoint({ host: '127.0.0.1', port: 0 });
    const proxy = await startTlsProxy(pki, { ...servingPair('127.0.0.1', server.port, 'udp'), flowTimerS: 3 });
    const tlsPort = proxy.worker.config.tlsPort!;
    server.udp!.to.port = proxy.port;
    // An outbound-aware registrar (RFC 5626 §6): stores the Path and says Require: outbound.
    let path0 = '';
    server.responder = (req, ep) => {
      if (req.method !== 'REGISTER') return;
      path0 = req.headers.get('path') ?? '';
      const c = req.headers.get('contact');
      ep.reply(req, 200, [...(c ? [`Contact: ${c};expires=600`] : []), 'Require: outbound']);
    };
    const bs = startBaresip(tlsPort, await freePort());
    try {
      const reg = (await server.waitFor(isReq('REGISTER'), 15_000, 'REGISTER from baresip')) as SipRequest;
      const contact = reg.contacts()[0];
      expect(contact.params.has('reg-id')).toBe(true);
      expect(contact.params.has('+sip.instance')).toBe(true);
      expect(path0).toMatch(new RegExp(`^<sip:[\\w-]+\\.[\\w-]+@127\\.0\\.0\\.1:${proxy.port};lr;ob>$`));
      await waitFor(() => /Flow-Timer: 3/i.test(bs.output()), 5000, 'baresip got Flow-Timer');
      // Debian's baresip 1.0.0 did not send its CRLFCRLF keep-alives within 20 s here (checked with -s traces), so
      // ping/pong is covered by the Node client in flows.integration-spec.ts, not asserted on baresip.
      expect(proxy.worker.status().flows?.gcClosed).toBe(0);

      const uri = contact.uri.toString();
      server.send(
        request('OPTIONS', uri, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: 'bs-opt-1',
          to: '<sip:1000@127.0.0.1>',
          extra: [`Route: ${path0}`],
        }),
      );
      const ok = (await server.waitFor(
        (m) => 'status' in m && m.status >= 200 && m.cseq().method === 'OPTIONS',
        10_000,
        'OPTIONS answer from baresip',
      )) as SipResponse;
      expect(ok.status).toBe(200);

      await bs.stop();
      await waitFor(() => proxy.worker.status().connections.length === 0, 5000, 'baresip connection closed');
      server.send(
        request('OPTIONS', uri, {
          via: `SIP/2.0/UDP 127.0.0.1:${server.port};branch=${branch()};rport`,
          callId: 'bs-opt-2',
          to: '<sip:1000@127.0.0.1>',
          extra: [`Route: ${path0}`],
        }),
      );
      const failed = (await server.waitFor(isResp(430, 'OPTIONS'), 5000)) as SipResponse;
      expect(failed.reason).toBe('Flow Failed');
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- baresip ---\n${bs.output().slice(-4000)}`, { cause: e });
    } finally {
      await bs.stop();
      server.close();
      await proxy.stop();
    }
  });
});
