/**
 * The relay policy with two real user agents (issue 13 §1; RFC 3261 §16.4, §26.3.2.4): baresip 1001 on 127.0.0.31
 * and 1002 on 127.0.0.32 (untrusted) register over UDP through the proxy to Kamailio (registrar/usrloc with Path,
 * record-routing) on 127.0.0.2; 1001 calls 1002 through the proxy, holds and resumes the call (two re-INVITEs) and
 * hangs up (BYE). Asserted from outside: both baresips' output, the proxy's /status (0 refused) and Kamailio's log.
 * The hostile side (nothing leaves toward a named foreign host) is relay.integration-spec.ts. Only our PIDs are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnKamailio, type KamailioProcess } from '../helpers/kamailio-process.js';
import { freePort, waitFor } from '../helpers/net.js';
import { servingPair } from '../tls/tls-proxy.js';
import { startProxy } from './peers.js';

interface Proc {
  output(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess, dir: string, signal: NodeJS.Signals): Proc & { exited: Promise<void> } {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return {
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Kamailio as the SIP Server: registrar keeping the Path (RFC 3327), lookup, record-route, loose routing. */
function startRegistrar(port: number): Promise<KamailioProcess> {
  const cfg = `#!KAMAILIO
debug=2
log_stderror=yes
children=2
auto_aliases=no
disable_tcp=yes
listen=udp:127.0.0.2:${port}
alias="127.0.0.1"
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "path.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "use_path", 1)
modparam("registrar", "path_mode", 0)

request_route {
  xlog("L_INFO", "IT-REQ $rm $ru from $si:$sp\\n");
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (has_totag()) {
    if (loose_route()) { route(RELAY); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here");
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (is_method("REGISTER")) { save("location"); xlog("L_INFO", "IT-SAVED $tu\\n"); exit; }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  record_route();
  if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
  route(RELAY);
}

route[RELAY] {
  if (!t_relay()) { sl_reply_error(); }
  exit;
}
`;
  return spawnKamailio({ prefix: 'kam-reg-it-', files: () => ({ 'kamailio.cfg': cfg }), settleMs: 1500 });
}

/** baresip on its own loopback address, driven over ctrl_tcp (netstring JSON commands), auto-answering. */
async function startUa(
  user: string,
  host: string,
  proxyPort: number,
): Promise<Proc & { command(cmd: string, params?: string): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'baresip-relay-it-'));
  const [sipPort, ctrlPort] = [await freePort(), await freePort()];
  writeFileSync(
    path.join(dir, 'config'),
    [
      'poll_method\tepoll',
      `sip_listen\t${host}:${sipPort}`,
      `ctrl_tcp_listen\t127.0.0.1:${ctrlPort}`,
      'module_path\t/usr/lib/baresip/modules',
      'module\tg711.so',
      'module\tuuid.so',
      'module_app\taccount.so',
      'module_app\tmenu.so',
      'module_app\tctrl_tcp.so',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'uuid'), randomUUID());
  writeFileSync(path.join(dir, 'accounts'), `<sip:${user}@127.0.0.1>;outbound="sip:127.0.0.1:${proxyPort}";regint=600;answermode=auto\n`);
  const child = spawn('baresip', ['-f', dir, '-t', '90'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p = track(child, dir, 'SIGKILL');
  return {
    ...p,
    async command(cmd: string, params?: string) {
      const body = JSON.stringify({ command: cmd, params, token: randomUUID() });
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(ctrlPort, '127.0.0.1', () => s.end(`${Buffer.byteLength(body)}:${body},`));
        s.on('error', reject);
        s.on('close', () => resolve());
        s.resume();
      });
    },
  };
}

describe('relay policy with two real user agents (baresip)', () => {
  it('two untrusted baresips register, call, hold, resume and hang up through the proxy: 0 refused', async () => {
    const kamPort = await freePort();
    const proxy = await startProxy({ transports: ['udp'], ...servingPair('127.0.0.2', kamPort, 'udp') });
    const kam = await startRegistrar(kamPort);
    const a = await startUa('1001', '127.0.0.31', proxy.port);
    const b = await startUa('1002', '127.0.0.32', proxy.port);
    const dump = () =>
      `\n--- 1001 ---\n${a.output().slice(-3000)}\n--- 1002 ---\n${b.output().slice(-3000)}\n--- kamailio ---\n${kam.output().slice(-3000)}`;
    try {
      await waitFor(
        () => /IT-SAVED sip:1001@/.test(kam.output()) && /IT-SAVED sip:1002@/.test(kam.output()),
        15_000,
        'both registered at Kamailio',
      );
      await waitFor(() => /200 OK/.test(a.output()) && /200 OK/.test(b.output()), 10_000, 'both baresips saw 200 to REGISTER');
      await a.command('dial', 'sip:1002@127.0.0.1');
      await waitFor(() => /Call established/i.test(a.output()) && /Call established/i.test(b.output()), 15_000, 'call established');
      await a.command('hold');
      await waitFor(() => (kam.output().match(/IT-REQ INVITE/g) ?? []).length >= 2, 10_000, 'hold re-INVITE through Kamailio');
      await a.command('resume');
      await waitFor(() => (kam.output().match(/IT-REQ INVITE/g) ?? []).length >= 3, 10_000, 'resume re-INVITE through Kamailio');
      await a.command('hangup');
      await waitFor(() => /IT-REQ BYE/.test(kam.output()) && /terminated|closed/i.test(b.output()), 10_000, 'BYE reached 1002');
      const st = JSON.parse((await proxy.get('/status')).body) as {
        counters: { relayRefused: number; responsesOut: Record<string, number> };
      };
      expect(st.counters.relayRefused).toBe(0);
      expect(st.counters.responsesOut['403'] ?? 0).toBe(0);
    } catch (e) {
      throw new Error(`${(e as Error).message}${dump()}`, { cause: e });
    } finally {
      await a.stop();
      await b.stop();
      await kam.stop();
      await proxy.stop();
    }
  });
});
