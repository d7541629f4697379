import { describe, expect, it } from 'vitest';
import { WorkerMetrics } from './metrics.js';
import type { ProxyWorker } from './proxy-worker.js';

/** The parts of a worker /metrics reads, as plain data (the proxy suites scrape a real worker). */
function fakeWorker(): ProxyWorker {
  const stats = {
    requestsIn: new Map([['INVITE', 100]]),
    responsesOut: new Map([
      [200, 99],
      [503, 1],
    ]),
    calls: 100,
    rejectedOverload: 1,
    rejectedOutOfService: 0,
    failovers: 2,
    nextHopRetries: 2,
    relayRefused: 7,
    loops: 0,
  };
  const pair = {
    name: 'SIPServer_A',
    snapshot: () => ({ state: 'out-of-service', servers: [{ role: 'primary', server: { name: 'A' }, status: 'down', lastRttMs: 12 }] }),
  };
  return {
    config: { appName: 'SIPProxy_IT' },
    callsPerSecond: 3,
    proxy: { stats, pairs: new Map([['SIPServer_A', pair]]) },
    tl: { stats: () => ({ clientTransactions: 4, serverTransactions: 5 }) },
    transport: { stats: () => ({ openConnections: 1, udp: { parseErrors: 0 }, stream: { parseErrors: 3 } }) },
  } as unknown as ProxyWorker;
}

describe('worker /metrics (prom-client)', () => {
  it('keeps the metric names and labels (app first) the tests and dashboards use, plus the process metrics', async () => {
    const text = await new WorkerMetrics(fakeWorker()).render();
    expect(text).toContain('sipproxy_requests_received_total{app="SIPProxy_IT",method="INVITE"} 100');
    expect(text).toContain('sipproxy_responses_sent_total{app="SIPProxy_IT",code="503"} 1');
    expect(text).toContain('sipproxy_503_sent_total{app="SIPProxy_IT",reason="overload"} 1');
    expect(text).toMatch(/^sipproxy_relay_refused_total\{app="SIPProxy_IT"\} 7$/m);
    expect(text).toMatch(/^sipproxy_next_hop_retries_total\{app="SIPProxy_IT"\} 2$/m);
    expect(text).toMatch(/sipproxy_ha_pair_state\{app="SIPProxy_IT",pair="SIPServer_A",state="out-of-service"\} 1/);
    expect(text).toContain('sipproxy_ha_probe_rtt_seconds{app="SIPProxy_IT",pair="SIPServer_A",role="primary",server="A"} 0.012');
    expect(text).toContain('sipproxy_ha_server_up{app="SIPProxy_IT",pair="SIPServer_A",role="primary",server="A"} 0');
    expect(text).toContain('sipproxy_transactions{app="SIPProxy_IT",kind="server"} 5');
    expect(text).toContain('sipproxy_parse_errors_total{app="SIPProxy_IT",transport="stream"} 3');
    expect(text).toContain('# TYPE sipproxy_calls_total counter');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('reads the statistics at each scrape', async () => {
    const w = fakeWorker();
    const m = new WorkerMetrics(w);
    await m.render();
    (w.proxy.stats as { relayRefused: number }).relayRefused = 9;
    expect(await m.render()).toMatch(/^sipproxy_relay_refused_total\{app="SIPProxy_IT"\} 9$/m);
  });
});
