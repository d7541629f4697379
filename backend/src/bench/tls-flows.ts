/**
 * Benchmark: N idle registered TLS flows (RFC 5626 outbound, Flow-Timer, TCP keep-alive on) on one proxy worker.
 * Prints the worker's memory per flow and the CPU its keep-alive traffic costs.
 *
 *   cd backend && npx tsc -p tsconfig.build.json && node --expose-gc dist/backend/src/bench/tls-flows.js [--flows 10000]
 *     [--ping-interval 10] [--window 20] [--flow-timer 600] [--pace-flow-timer 30]
 *
 * The proxy runs in a child process (so its RSS and CPU are its own); this process plays the phones (TLS clients
 * from 127.0.0.x source addresses, the per-address cap being 1000) and the SIP Server (UDP, answers REGISTER).
 * Loopback only; every loop bounded; the child is killed by its PID at the end. Certificates: the committed
 * test-only fixtures (test/fixtures/config/certs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { ProxyWorker } from '../worker/proxy-worker.js';
import { Logger } from '../worker/log.js';
import { defaultRuntimeConfig, createResponse, parseMessage, serialize, isRequest } from '../sip/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/backend/src/bench -> backend/test/fixtures/config/certs */
const CERTS = path.resolve(here, '../../../../test/fixtures/config/certs');

interface ChildStats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  connections: number;
  flows: unknown;
  keepalivesAnswered: number;
}

function arg(name: string, d: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
}

async function runProxyChild(): Promise<void> {
  const o = JSON.parse(process.argv[process.argv.indexOf('--proxy') + 1]) as {
    sipPort: number;
    tlsPort: number;
    serverPort: number;
    flowTimer: number;
  };
  const cfg = defaultRuntimeConfig({
    appName: 'SIPProxy_Bench',
    listenHost: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    sipPort: o.sipPort,
    tlsPort: o.tlsPort,
    transports: ['udp', 'tls'],
    tcpKeepAlive: true,
    tcpKeepAliveIdleS: 60,
    connectionIdleTimeoutS: 7200,
    flowTimerS: o.flowTimer,
    flowTimerGraceS: 30,
    servingPair: 'SIPServer_A',
    oosCheckS: 0,
    pairs: [{ name: 'SIPServer_A', primary: { name: 'SIPServer_A', host: '127.0.0.1', port: o.serverPort, transport: 'udp' } }],
    tls: {
      certificate: path.join(CERTS, 'proxy.pem'),
      certificateKey: path.join(CERTS, 'proxy.key'),
      trustedCa: path.join(CERTS, 'ca.pem'),
      mutual: false,
      minVersion: 'TLSv1.2',
      verifyServerCertificate: true,
    },
  });
  const worker = await ProxyWorker.start(cfg, { logger: new Logger(cfg.appName, () => undefined), management: false });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: string) => {
    if (m === 'stats') {
      gc?.();
      gc?.();
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const st = worker.status();
      const s: ChildStats = {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        connections: st.transport.openConnections,
        flows: st.flows,
        keepalivesAnswered: st.transport.stream.keepalivesAnswered,
      };
      process.send?.(s);
    } else if (m === 'stop') {
      void worker.stop(0).then(() => process.exit(0));
    }
  });
  process.send?.('ready');
}

function ask(child: ChildProcess): Promise<ChildStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as ChildStats));
    child.send('stats');
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const mib = (b: number): string => (b / 1048576).toFixed(1) + ' MiB';

async function main(): Promise<void> {
  if (process.argv.includes('--proxy')) return runProxyChild();
  const flows = arg('flows', 10_000);
  const pingIntervalS = arg('ping-interval', 10);
  const windowS = arg('window', 20);
  // Long enough that no flow is collected while the (slow, handshake-bound) set-up runs; the pace line below uses
  // the usual Flow-Timer instead.
  const flowTimer = arg('flow-timer', 600);
  const paceFlowTimer = arg('pace-flow-timer', 30);
  const perAddress = 500;

  // The SIP Server stand-in: answers every REGISTER with 200 and the contact.
  const server = dgram.createSocket('udp4');
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
  server.on('message', (buf, rinfo) => {
    const p = parseMessage(buf);
    if (!p.ok || !isRequest(p.message)) return;
    const res = createResponse(p.message, 200, 'OK', 'srv');
    const c = p.message.headers.get('contact');
    if (c) res.headers.append('Contact', `${c};expires=3600`);
    server.send(serialize(res), rinfo.port, rinfo.address);
  });
  const serverPort = server.address().port;
  const sipPort = await freePort();
  const tlsPort = await freePort();
  const child = fork(fileURLToPath(import.meta.url), ['--proxy', JSON.stringify({ sipPort, tlsPort, serverPort, flowTimer })], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const base = await ask(child);

  const ca = readFileSync(path.join(CERTS, 'ca.pem'), 'utf8');
  const sockets: tls.TLSSocket[] = [];
  /** Registered flows; the pinger sends each a CRLFCRLF once per ping interval, as an RFC 5626 UA does. */
  const live: tls.TLSSocket[] = [];
  let pinging = true;
  let pingCursor = 0;
  let pingCredit = 0;
  const pinger = setInterval(() => {
    if (!pinging || live.length === 0) return;
    pingCredit += (live.length * 0.05) / pingIntervalS;
    for (; pingCredit >= 1; pingCredit--) {
      const s = live[pingCursor++ % live.length];
      if (!s.destroyed) s.write('\r\n\r\n');
    }
  }, 50);
  const t0 = Date.now();
  let registered = 0;
  let failed = 0;
  const concurrency = 100;
  let next = 0;
  const oneFlow = (i: number): Promise<void> =>
    new Promise((resolve) => {
      const local = `127.0.0.${10 + Math.floor(i / perAddress)}`;
      // A plain TCP socket from this 127.0.0.x first (tls.connect has no localAddress option), TLS on top.
      const raw = net.connect({ host: '127.0.0.1', port: tlsPort, localAddress: local });
      const s = tls.connect({ socket: raw, ca, servername: 'localhost' });
      let buf = '';
      let settled = false;
      const done = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        s.setTimeout(0);
        if (ok) registered++;
        else failed++;
        resolve();
      };
      s.once('secureConnect', () => {
        const id = `bench-${i}`;
        s.write(
          `REGISTER sip:127.0.0.1:${tlsPort} SIP/2.0\r\nVia: SIP/2.0/TLS ${local}:5061;branch=z9hG4bK-${id}\r\nMax-Forwards: 70\r\n` +
            `From: <sip:u${i}@bench.example>;tag=${id}\r\nTo: <sip:u${i}@bench.example>\r\nCall-ID: ${id}\r\nCSeq: 1 REGISTER\r\n` +
            `Contact: <sip:u${i}@${local}:5061;transport=tls>;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-0000-0000-${String(i).padStart(12, '0')}>"\r\n` +
            'Supported: outbound, path\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n',
        );
      });
      s.on('data', (d: Buffer) => {
        buf += d.toString();
        if (buf.includes('\r\n\r\n')) {
          const ok = buf.startsWith('SIP/2.0 200');
          if (ok) live.push(s);
          buf = '';
          s.removeAllListeners('data');
          s.on('data', () => undefined);
          done(ok);
        }
      });
      s.on('error', () => done(false));
      s.setTimeout(20_000, () => {
        s.destroy();
        done(false);
      });
      sockets.push(s);
    });
  const progress = setInterval(
    () => process.stderr.write(`  ${registered} registered, ${failed} failed, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`),
    5000,
  );
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < flows) await oneFlow(next++);
    }),
  );
  clearInterval(progress);
  for (const s of sockets) s.setTimeout(0);
  const setupS = (Date.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 2000));
  const loaded = await ask(child);

  // Idle window with the pings paused (shorter than Flow-Timer + grace, so no flow is collected): the worker's own
  // timers only (flow GC sweep every 1 s, idle-connection sweep).
  pinging = false;
  const idle0 = await ask(child);
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const idle1 = await ask(child);
  pinging = true;

  // Keep-alive window: every flow pings (CRLFCRLF) once per ping interval, spread evenly (RFC 5626 §4.4.1).
  const ka0 = await ask(child);
  await new Promise((r) => setTimeout(r, windowS * 1000));
  const ka1 = await ask(child);
  clearInterval(pinger);

  const cpu = (a: ChildStats, b: ChildStats): number => b.cpuUserUs + b.cpuSystemUs - a.cpuUserUs - a.cpuSystemUs;
  const idleCpu = cpu(idle0, idle1);
  const kaCpu = cpu(ka0, ka1);
  const pongs = ka1.keepalivesAnswered - ka0.keepalivesAnswered;
  const perFlow = (k: keyof ChildStats): string =>
    (((loaded[k] as number) - (base[k] as number)) / Math.max(1, registered) / 1024).toFixed(1);
  const lines = [
    `TLS flows benchmark (node ${process.version}, one proxy worker process, loopback, ECDSA P-256 certificates)`,
    `flows registered: ${registered} of ${flows} (${failed} failed) in ${setupS.toFixed(1)} s; open connections at the proxy: ${loaded.connections}`,
    `proxy flows: ${JSON.stringify(loaded.flows)}`,
    `proxy memory before: rss ${mib(base.rss)}, heap ${mib(base.heapUsed)}, external ${mib(base.external)}`,
    `proxy memory with flows: rss ${mib(loaded.rss)}, heap ${mib(loaded.heapUsed)}, external ${mib(loaded.external)}`,
    `memory per idle flow: rss ${perFlow('rss')} KiB, heap ${perFlow('heapUsed')} KiB, external ${perFlow('external')} KiB (target < 50 KiB rss)`,
    `CPU idle (pings paused, GC sweep of ${registered} Flow-Timer flows every 1 s): ${(idleCpu / 1000 / windowS).toFixed(1)} ms/s = ${(idleCpu / 10_000 / windowS).toFixed(2)} % of one core`,
    `CPU with keep-alive pings: ${pongs} pongs in ${windowS} s (${(pongs / windowS).toFixed(0)}/s, every flow every ${pingIntervalS} s): ${(kaCpu / 1000 / windowS).toFixed(1)} ms/s = ${(kaCpu / 10_000 / windowS).toFixed(2)} % of one core, ${pongs ? ((kaCpu - idleCpu) / pongs).toFixed(1) : '-'} us per ping/pong above idle`,
    `at RFC 5626's pace for Flow-Timer ${paceFlowTimer} s (pings at 80-100%): ~${(flows / (paceFlowTimer * 0.9)).toFixed(0)} pings/s -> ~${pongs ? ((((kaCpu - idleCpu) / pongs) * (flows / (paceFlowTimer * 0.9)) + idleCpu / windowS) / 10_000).toFixed(2) : '-'} % of one core`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  for (const s of sockets) s.destroy();
  child.send('stop');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(killer);
  server.close();
}

void main();
