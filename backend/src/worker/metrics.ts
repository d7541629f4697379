/** Prometheus text exposition (format 0.0.4) of a worker's counters and HA state. */
import type { ProxyWorker } from './proxy-worker.js';

const PAIR_STATES = ['primary-active', 'backup-active', 'out-of-service'] as const;

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function renderMetrics(w: ProxyWorker): string {
  const s = w.proxy.stats;
  const app = esc(w.config.appName);
  const out: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, rows: [string, number][]): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of rows) out.push(`${name}{app="${app}"${labels ? ',' + labels : ''}} ${v}`);
  };
  metric('sipproxy_requests_received_total', 'counter', 'SIP requests received, by method.', [...s.requestsIn].map(([m, v]) => [`method="${esc(m)}"`, v]));
  metric('sipproxy_responses_sent_total', 'counter', 'SIP responses sent upstream (relayed or generated), by status code.', [...s.responsesOut].map(([c, v]) => [`code="${c}"`, v]));
  metric('sipproxy_calls_total', 'counter', 'Initial INVITEs forwarded.', [['', s.calls]]);
  metric('sipproxy_calls_per_second', 'gauge', 'Initial INVITEs forwarded per second (last second).', [['', w.callsPerSecond]]);
  metric('sipproxy_503_sent_total', 'counter', 'Requests answered 503 by the proxy, by reason.', [
    ['reason="overload"', s.rejectedOverload],
    ['reason="out-of-service"', s.rejectedOutOfService],
    ['reason="drained"', s.rejectedDraining],
  ]);
  metric('sipproxy_drained', 'gauge', 'Drained by an operator (1): new INVITEs and REGISTERs get 503.', [['', w.proxy.drained ? 1 : 0]]);
  metric('sipproxy_dialogs_active', 'gauge', 'INVITE dialogs through this proxy (2xx to an initial INVITE seen, BYE not yet).', [['', w.proxy.dialogs.size]]);
  metric('sipproxy_failovers_total', 'counter', 'Requests retried on the other server of an HA pair.', [['', s.failovers]]);
  metric('sipproxy_next_hop_retries_total', 'counter', 'Requests sent on to the next RFC 3263 candidate of a name after a timeout, transport error or 503.', [['', s.nextHopRetries]]);
  metric('sipproxy_relay_refused_total', 'counter', 'Requests from untrusted sources refused by the relay policy (403; ACKs dropped).', [['', s.relayRefused]]);
  metric('sipproxy_loops_detected_total', 'counter', 'Requests answered 482 Loop Detected.', [['', s.loops]]);
  const stateRows: [string, number][] = [];
  const rttRows: [string, number][] = [];
  const upRows: [string, number][] = [];
  for (const p of w.proxy.pairs.values()) {
    const snap = p.snapshot();
    for (const st of PAIR_STATES) stateRows.push([`pair="${esc(p.name)}",state="${st}"`, snap.state === st ? 1 : 0]);
    for (const h of snap.servers) {
      const l = `pair="${esc(p.name)}",role="${h.role}",server="${esc(h.server.name)}"`;
      if (h.lastRttMs !== undefined) rttRows.push([l, h.lastRttMs / 1000]);
      upRows.push([l, h.status === 'up' ? 1 : 0]);
    }
  }
  metric('sipproxy_ha_pair_state', 'gauge', 'HA pair state (1 for the current state).', stateRows);
  metric('sipproxy_ha_probe_rtt_seconds', 'gauge', 'Round-trip time of the last answered OPTIONS probe.', rttRows);
  metric('sipproxy_ha_server_up', 'gauge', 'Whether the server answered its last probe.', upRows);
  const tx = w.tl.stats();
  metric('sipproxy_transactions', 'gauge', 'Transactions in the table.', [
    ['kind="client"', tx.clientTransactions],
    ['kind="server"', tx.serverTransactions],
  ]);
  const tr = w.transport.stats();
  metric('sipproxy_open_connections', 'gauge', 'Open TCP/TLS connections.', [['', tr.openConnections]]);
  metric('sipproxy_parse_errors_total', 'counter', 'Messages that did not parse.', [
    ['transport="udp"', tr.udp.parseErrors],
    ['transport="stream"', tr.stream.parseErrors],
  ]);
  return out.join('\n') + '\n';
}
