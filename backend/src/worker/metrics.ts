/**
 * A worker's /metrics through prom-client: its counters and HA state, read from the proxy's own statistics when
 * scraped (`collect`), so nothing on the SIP message path changes; plus Node's default process metrics
 * (CPU, memory, event-loop lag, GC, handles), once per process (several workers share a test process). The worker's
 * series carry `app`. Names are kept: tests and dashboards use them.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ProxyWorker } from './proxy-worker.js';

let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const PAIR_STATES = ['primary-active', 'backup-active', 'out-of-service'] as const;

export class WorkerMetrics {
  private readonly registry = new Registry();

  constructor(w: ProxyWorker) {
    const app = w.config.appName;
    const registers = [this.registry];
    // `app` is the first label of every series, as the hand-written exposition had it.
    processMetrics();
    const stats = () => w.proxy.stats;
    const counter = (name: string, help: string, labelNames: string[], rows: () => Iterable<[Record<string, string>, number]>) =>
      new Counter({
        name,
        help,
        labelNames: ['app', ...labelNames],
        registers,
        collect() {
          this.reset();
          for (const [l, v] of rows()) this.inc({ app, ...l }, v);
        },
      });
    const gauge = (name: string, help: string, labelNames: string[], rows: () => Iterable<[Record<string, string>, number]>) =>
      new Gauge({
        name,
        help,
        labelNames: ['app', ...labelNames],
        registers,
        collect() {
          this.reset();
          for (const [l, v] of rows()) this.set({ app, ...l }, v);
        },
      });

    counter('sipproxy_requests_received_total', 'SIP requests received, by method.', ['method'], () =>
      [...stats().requestsIn].map(([method, v]) => [{ method }, v]),
    );
    counter('sipproxy_responses_sent_total', 'SIP responses sent upstream (relayed or generated), by status code.', ['code'], () =>
      [...stats().responsesOut].map(([code, v]) => [{ code: String(code) }, v]),
    );
    counter('sipproxy_calls_total', 'Initial INVITEs forwarded.', [], () => [[{}, stats().calls]]);
    gauge('sipproxy_calls_per_second', 'Initial INVITEs forwarded per second (last second).', [], () => [[{}, w.callsPerSecond]]);
    counter('sipproxy_503_sent_total', 'Requests answered 503 by the proxy, by reason.', ['reason'], () => [
      [{ reason: 'overload' }, stats().rejectedOverload],
      [{ reason: 'out-of-service' }, stats().rejectedOutOfService],
    ]);
    counter('sipproxy_failovers_total', 'Requests retried on the other server of an HA pair.', [], () => [[{}, stats().failovers]]);
    counter(
      'sipproxy_next_hop_retries_total',
      'Requests sent on to the next RFC 3263 candidate of a name after a timeout, transport error or 503.',
      [],
      () => [[{}, stats().nextHopRetries]],
    );
    counter('sipproxy_relay_refused_total', 'Requests from untrusted sources refused by the relay policy (403; ACKs dropped).', [], () => [
      [{}, stats().relayRefused],
    ]);
    counter('sipproxy_loops_detected_total', 'Requests answered 482 Loop Detected.', [], () => [[{}, stats().loops]]);
    const pairs = () => [...w.proxy.pairs.values()].map((p) => ({ name: p.name, snap: p.snapshot() }));
    gauge('sipproxy_ha_pair_state', 'HA pair state (1 for the current state).', ['pair', 'state'], () =>
      pairs().flatMap(({ name, snap }) =>
        PAIR_STATES.map((state): [Record<string, string>, number] => [{ pair: name, state }, snap.state === state ? 1 : 0]),
      ),
    );
    const servers = () =>
      pairs().flatMap(({ name, snap }) => snap.servers.map((h) => ({ labels: { pair: name, role: h.role, server: h.server.name }, h })));
    gauge('sipproxy_ha_probe_rtt_seconds', 'Round-trip time of the last answered OPTIONS probe.', ['pair', 'role', 'server'], () =>
      servers().flatMap(({ labels, h }): [Record<string, string>, number][] =>
        h.lastRttMs !== undefined ? [[labels, h.lastRttMs / 1000]] : [],
      ),
    );
    gauge('sipproxy_ha_server_up', 'Whether the server answered its last probe.', ['pair', 'role', 'server'], () =>
      servers().map(({ labels, h }): [Record<string, string>, number] => [labels, h.status === 'up' ? 1 : 0]),
    );
    gauge('sipproxy_transactions', 'Transactions in the table.', ['kind'], () => {
      const tx = w.tl.stats();
      return [
        [{ kind: 'client' }, tx.clientTransactions],
        [{ kind: 'server' }, tx.serverTransactions],
      ];
    });
    gauge(
      'sipproxy_group_member_up',
      "A worker group's members (worker-processes): 1 while serving, 0 while restarting.",
      ['index', 'pid'],
      () =>
        (w.groupView?.status().members ?? []).map((m): [Record<string, string>, number] => [
          { index: String(m.index), pid: String(m.pid ?? '') },
          m.up ? 1 : 0,
        ]),
    );
    counter('sipproxy_group_member_restarts_total', "A worker group's member restarts after an exit.", ['index'], () =>
      (w.groupView?.status().members ?? []).map((m): [Record<string, string>, number] => [{ index: String(m.index) }, m.restarts]),
    );
    gauge('sipproxy_open_connections', 'Open TCP/TLS connections.', [], () => [[{}, w.transport.stats().openConnections]]);
    counter('sipproxy_parse_errors_total', 'Messages that did not parse.', ['transport'], () => {
      const tr = w.transport.stats();
      return [
        [{ transport: 'udp' }, tr.udp.parseErrors],
        [{ transport: 'stream' }, tr.stream.parseErrors],
      ];
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (Prometheus text format): the process's metrics, then the worker's. */
  render(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
