/**
 * Socket options over the real parts:
 *  - sip-ip-tos: the TOS byte of the packets a running worker sends, read off the wire by tshark on loopback while SIPp
 *    calls go through it (and the OS default with 256, as a control);
 *  - TCP keep-alive timings: a SIP Server (SIPp) in a network namespace of this test falls silent (its link goes down);
 *    the connection to it is found dead after idle + interval x count seconds, not the OS's two hours.
 * Only PIDs started here are killed; the namespace and veth pair are this test's own and removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportLayer, type ConnectionInfo } from '../../src/sip/index.js';
import { startProxy } from './peers.js';
import { SippUas, cleanupWork, runUac, scenario } from '../helpers/sipp.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';

afterAll(() => cleanupWork());

/** tshark on lo with a capture filter; resolves once it is capturing. Fields: ip.dsfield, tcp.len, udp.length. */
async function capture(filter: string): Promise<{ stop(): Promise<string[][]> }> {
  const child = spawn('tshark', ['-i', 'lo', '-f', filter, '-l', '-T', 'fields', '-e', 'ip.dsfield', '-e', 'tcp.len', '-e', 'udp.length'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const hard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  await waitFor(() => /Capturing on|Capture started/.test(err) || child.exitCode !== null, 20_000, 'tshark to start');
  if (child.exitCode !== null) throw new Error(`tshark exited: ${err}`);
  await sleep(300);
  return {
    async stop() {
      await sleep(500);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
      clearTimeout(hard);
      return out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => l.split('\t'));
    },
  };
}

function pairCfg(port: number, transport: 'udp' | 'tcp') {
  return {
    servingPair: 'SIPServer_A',
    pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port, transport } }],
    transports: [transport],
  };
}

describe.each(['udp', 'tcp'] as const)('sip-ip-tos on the wire over %s (tshark)', (transport) => {
  it.each([
    [184, '0xb8'],
    [256, '0x00'],
  ] as const)('sip-ip-tos=%s: every SIP packet the worker sends carries %s', async (ipTos, expected) => {
    const uasPort = await freePort();
    const uas = await SippUas.start({ scenario: scenario('uas_call.xml'), host: '127.0.0.1', port: uasPort, transport });
    const proxy = await startProxy({ ...pairCfg(uasPort, transport), ipTos, oosCheckS: 1, oosForceS: 1 });
    // Everything the worker sends: to the SIP Server (its probes and forwarded requests) and back to the caller.
    const cap = await capture(
      transport === 'udp' ? `udp and src port ${proxy.port}` : `tcp and (dst port ${uasPort} or src port ${proxy.port})`,
    );
    try {
      const r = await runUac({ scenario: scenario('uac_call.xml'), target: proxy.target, transport, calls: 10, rate: 10 });
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(10);
    } finally {
      const rows = await cap.stop();
      await proxy.stop();
      await uas.kill();
      // TCP: packets with payload (the SYN leaves before the descriptor exists; that one carries the OS default).
      const sip = rows.filter((f) => (transport === 'udp' ? Number(f[2]) > 8 : Number(f[1]) > 0));
      const bytes = [...new Set(sip.map((f) => f[0]))];
      process.stdout.write(
        `sip-ip-tos=${ipTos} over ${transport}: ${sip.length} SIP packets from the worker, TOS bytes seen ${bytes.join(', ')}\n`,
      );
      // 10 calls x (INVITE, ACK, BYE out + 100/180/200/200 back) at least.
      expect(sip.length).toBeGreaterThanOrEqual(60);
      expect(bytes).toEqual([expected]);
    }
    if (ipTos !== 256) {
      expect(proxy.worker.status().socketOptions).toMatchObject({ addon: { available: true }, ipTos, failures: {} });
      expect(proxy.logs.some((l) => String(l.msg ?? '').includes('TOS byte 0xb8 (DSCP 46)'))).toBe(true);
    }
    if (transport === 'udp' && ipTos !== 256) expect(proxy.worker.status().listeners.every((b) => b.tos === ipTos)).toBe(true);
  });
});

// A network namespace with a veth pair: the silent peer lives behind a link this test can take down.
const NS = `sipedge-ka-${process.pid}`;
const VA = `ska${process.pid % 100000}a`;
const VB = `ska${process.pid % 100000}b`;
const NET = `10.213.${process.pid % 250}`;
function sh(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}
const canNetns = process.getuid?.() === 0 && sh(['ip', 'netns', 'list']).ok;

describe.skipIf(!canNetns)('TCP keep-alive finds a silent SIP Server (network namespace, veth, SIPp)', () => {
  let sipp: ChildProcess | undefined;
  let ringing: ChildProcess | undefined;
  afterAll(() => {
    for (const p of [sipp, ringing]) if (p && p.exitCode === null) p.kill('SIGKILL');
    sh(['ip', 'netns', 'del', NS]);
    sh(['ip', 'link', 'del', VA]);
  });

  it('closes the dead connection after idle + interval x count; a connection without keep-alive stays open', async () => {
    for (const cmd of [
      ['ip', 'netns', 'add', NS],
      ['ip', 'link', 'add', VA, 'type', 'veth', 'peer', 'name', VB],
      ['ip', 'link', 'set', VB, 'netns', NS],
      ['ip', 'addr', 'add', `${NET}.1/30`, 'dev', VA],
      ['ip', 'link', 'set', VA, 'up'],
      ['ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${NET}.2/30`, 'dev', VB],
      ['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', VB, 'up'],
      ['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up'],
    ]) {
      const r = sh(cmd);
      expect(r.ok, `${cmd.join(' ')}: ${r.out}`).toBe(true);
    }
    // `ip netns exec` execs SIPp in place: the PID is SIPp's own.
    sipp = spawn(
      'ip',
      ['netns', 'exec', NS, 'sipp', '-sn', 'uas', '-aa', '-t', 't1', '-i', `${NET}.2`, '-p', '5060', '-nostdin', '-timeout', '120s'],
      { stdio: 'ignore' },
    );
    await waitFor(
      () => sh(['ip', 'netns', 'exec', NS, 'ss', '-Hltn', 'sport = :5060']).out.includes('5060'),
      10_000,
      'SIPp in the namespace',
    );

    const layers = await Promise.all(
      [true, false].map((enabled) =>
        TransportLayer.create({
          listeners: [{ transport: 'tcp', address: `${NET}.1`, port: 0 }],
          connections: { keepAlive: { enabled, idleS: 1, intervalS: 1, count: 2 }, idleTimeoutMs: 0 },
        }),
      ),
    );
    const [withKa, withoutKa] = layers as [TransportLayer, TransportLayer];
    const closed: { at: number; error?: string }[] = [];
    withKa.onConnectionClose((_i: ConnectionInfo, e) =>
      closed.push({ at: Date.now(), error: e && 'code' in e ? String(e.code) : e?.message }),
    );
    try {
      for (const layer of layers) {
        const answered = new Promise<number>((resolve) => layer.onMessage((m) => resolve('status' in m ? m.status : 0)));
        const options = Buffer.from(
          `OPTIONS sip:${NET}.2:5060 SIP/2.0\r\nVia: SIP/2.0/TCP ${NET}.1:5060;branch=z9hG4bK-ka-${Math.random().toString(36).slice(2)}\r\n` +
            `Max-Forwards: 70\r\nFrom: <sip:ka@${NET}.1>;tag=1\r\nTo: <sip:${NET}.2>\r\nCall-ID: ka-${Math.random()}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
        );
        layer.send(options, { transport: 'tcp', host: `${NET}.2`, port: 5060 });
        expect(await answered).toBe(200);
      }
      // Both connections idle and open; now the peer goes silent: no RST, no FIN, nothing.
      const down = Date.now();
      expect(sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', VB, 'down']).ok).toBe(true);
      await waitFor(() => closed.length > 0, 30_000, 'the keep-alive to declare the connection dead');
      const afterS = (closed[0].at - down) / 1000;
      process.stdout.write(
        `keep-alive idle 1 s, interval 1 s, count 2: silent peer found dead after ${afterS.toFixed(1)} s (${closed[0].error})\n`,
      );
      expect(closed[0].error).toBe('ETIMEDOUT');
      expect(withKa.connectionList()).toHaveLength(0);
      expect(withoutKa.connectionList().map((c) => c.state)).toEqual(['open']);
    } finally {
      await Promise.all(layers.map((l) => l.close()));
    }
  });

  it('a SIP Server that falls silent while a call rings: found dead by keep-alive, reopen fails, the call is released', async () => {
    expect(sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', VB, 'up']).ok).toBe(true);
    // The SIP Server rings and waits (for a CANCEL that never comes).
    ringing = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        'sipp',
        '-sf',
        scenario('uas_ring_cancel.xml'),
        '-t',
        't1',
        '-i',
        `${NET}.2`,
        '-p',
        '5062',
        '-nostdin',
        '-timeout',
        '120s',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      () => sh(['ip', 'netns', 'exec', NS, 'ss', '-Hltn', 'sport = :5062']).out.includes('5062'),
      10_000,
      'ringing SIPp in the namespace',
    );
    const proxy = await startProxy({
      servingPair: 'SIPServer_A',
      pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: `${NET}.2`, port: 5062, transport: 'tcp' } }],
      transports: ['udp'],
      oosCheckS: 0, // no OPTIONS on the connection: only keep-alive can find the silence
      tcpKeepAlive: true,
      tcpKeepAliveIdleS: 1,
      tcpKeepAliveIntervalS: 1,
      tcpKeepAliveCount: 2,
    });
    try {
      const call = runUac({
        scenario: scenario('uac_ring_then_error.xml', { EXPECTED: 503 }),
        target: proxy.target,
        transport: 'udp',
        calls: 1,
        rate: 1,
        timeoutS: 60,
      });
      await waitFor(() => (proxy.worker.status().counters.responsesOut['180'] ?? 0) > 0, 15_000, 'the 180 relayed to the caller');
      const down = Date.now();
      expect(sh(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', VB, 'down']).ok).toBe(true);
      const r = await call;
      process.stdout.write(
        `ringing call released ${((Date.now() - down) / 1000).toFixed(1)} s after the SIP Server fell silent (keep-alive 1+1x2 s, then the reopen failed)\n`,
      );
      expect(r.failed, r.output).toBe(0);
      expect(r.successful).toBe(1);
      const st = proxy.worker.status();
      expect(st.transport.stream.errors).toBeGreaterThanOrEqual(1);
      expect(st.counters.responsesOut['503']).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});
