/**
 * TCP keep-alive on SIP connections (the guide's "Keep Alive for TCP Connections"; RFC 1122 §4.2.3.6).
 *
 * What Node 20 (libuv 1.46) can set per socket: SO_KEEPALIVE and the idle time before the first probe
 * (TCP_KEEPIDLE, through `socket.setKeepAlive(true, ms)`). It has no API for the probe interval (TCP_KEEPINTVL) or
 * the probe count (TCP_KEEPCNT): those stay at the operating system's values (Linux: net.ipv4.tcp_keepalive_intvl,
 * net.ipv4.tcp_keepalive_probes; 75 s and 9 by default). `describeKeepAlive` says so, so the worker can log what
 * actually applies. A stale peer is therefore found idle + interval x count after its last packet.
 */
import type * as net from 'node:net';

export interface TcpKeepAliveOptions {
  /** sip-enable-tcp-keep-alive */
  enabled: boolean;
  /** tcp-keep-alive-idle (s): applied per socket. */
  idleS: number;
  /** tcp-keep-alive-interval (s): wanted; the OS value applies (see module doc). */
  intervalS?: number;
  /** tcp-keep-alive-count: wanted; the OS value applies (see module doc). */
  count?: number;
}

/** Turns TCP keep-alive on for one socket with the configured idle time (no-op when disabled). */
export function applyKeepAlive(socket: net.Socket, o: TcpKeepAliveOptions | undefined): void {
  if (!o || !o.enabled) return;
  socket.setKeepAlive(true, Math.max(1, Math.round(o.idleS)) * 1000);
}

/** The OS's keep-alive interval and count (Linux /proc), or undefined where they cannot be read. */
export function osKeepAliveSettings(read: (path: string) => string | undefined): { intervalS?: number; count?: number } {
  const num = (p: string): number | undefined => {
    const v = read(p);
    const n = v === undefined ? NaN : Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  };
  return { intervalS: num('/proc/sys/net/ipv4/tcp_keepalive_intvl'), count: num('/proc/sys/net/ipv4/tcp_keepalive_probes') };
}

/**
 * A sentence for the log / status notes: what is applied, and which configured timings the OS overrides.
 * `os` are the OS values (from osKeepAliveSettings).
 */
export function describeKeepAlive(o: TcpKeepAliveOptions, os: { intervalS?: number; count?: number }): string {
  if (!o.enabled) return 'TCP keep-alive off (sip-enable-tcp-keep-alive=false)';
  const parts = [`TCP keep-alive on every SIP connection: first probe after ${o.idleS} s idle (tcp-keep-alive-idle, set per socket)`];
  const gaps: string[] = [];
  if (o.intervalS !== undefined && o.intervalS !== os.intervalS) {
    gaps.push(`tcp-keep-alive-interval=${o.intervalS} s is not settable per socket from Node 20; the OS value ${os.intervalS ?? '?'} s applies (net.ipv4.tcp_keepalive_intvl)`);
  }
  if (o.count !== undefined && o.count !== os.count) {
    gaps.push(`tcp-keep-alive-count=${o.count} is not settable per socket from Node 20; the OS value ${os.count ?? '?'} applies (net.ipv4.tcp_keepalive_probes)`);
  }
  const interval = os.intervalS ?? o.intervalS;
  const count = os.count ?? o.count;
  if (interval !== undefined && count !== undefined) parts.push(`a silent peer is declared dead after about ${o.idleS + interval * count} s`);
  return parts.join('; ') + (gaps.length ? `. ${gaps.join('; ')}.` : '.');
}
