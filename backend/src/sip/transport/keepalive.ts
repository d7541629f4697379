/**
 * TCP keep-alive on SIP connections (the guide's "Keep Alive for TCP Connections"; RFC 1122 §4.2.3.6).
 *
 * Node 20 (libuv) sets SO_KEEPALIVE and the idle time before the first probe (TCP_KEEPIDLE) per socket. The probe
 * interval (TCP_KEEPINTVL) and count (TCP_KEEPCNT) are set through the socket-options addon (socket-options.ts);
 * without it they stay at the operating system's values (Linux: net.ipv4.tcp_keepalive_intvl / _probes, 75 s and 9 by
 * default) and `describeKeepAlive` says so. A silent peer is found idle + interval x count after its last packet, and
 * with TCP_USER_TIMEOUT set to the same time, so is one that stops acknowledging a request written to it.
 */
import type * as net from 'node:net';
import { setTcpKeepAlive, socketFd, type SocketOptionResult } from './socket-options.js';

export interface TcpKeepAliveOptions {
  /** sip-enable-tcp-keep-alive */
  enabled: boolean;
  /** tcp-keep-alive-idle (s). */
  idleS: number;
  /** tcp-keep-alive-interval (s); the OS value when undefined or when the addon is absent. */
  intervalS?: number;
  /** tcp-keep-alive-count; the OS value when undefined or when the addon is absent. */
  count?: number;
}

/**
 * Turns TCP keep-alive on for one socket (no-op when disabled). The idle time goes through Node; interval and count
 * through the addon once the socket has a descriptor (at once for accepted sockets, on `connect` for outbound ones).
 * `done` receives the addon's outcome (for counters and the start-up note).
 */
export function applyKeepAlive(socket: net.Socket, o: TcpKeepAliveOptions | undefined, done?: (r: SocketOptionResult) => void): void {
  if (!o || !o.enabled) return;
  const idleS = Math.max(1, Math.round(o.idleS));
  socket.setKeepAlive(true, idleS * 1000);
  if (o.intervalS === undefined && o.count === undefined) return;
  // Data written to a peer that fell silent is given up on in the same time as an idle connection (RFC 5482).
  const userTimeoutMs = o.intervalS !== undefined && o.count !== undefined ? (idleS + o.intervalS * o.count) * 1000 : 0;
  const set = (): void => {
    const r = setTcpKeepAlive(socket, idleS, o.intervalS ?? 0, o.count ?? 0, userTimeoutMs);
    done?.(r);
  };
  if (socketFd(socket) >= 0) set();
  else socket.once('connect', set);
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
 * A sentence for the log / status notes: what is applied, and which configured timings fall back to the OS.
 * `os` are the OS values (from osKeepAliveSettings); `perSocket` says whether the addon can set interval and count.
 */
export function describeKeepAlive(o: TcpKeepAliveOptions, os: { intervalS?: number; count?: number }, perSocket: boolean): string {
  if (!o.enabled) return 'TCP keep-alive off (sip-enable-tcp-keep-alive=false)';
  const parts = [`TCP keep-alive on every SIP connection: first probe after ${o.idleS} s idle (tcp-keep-alive-idle)`];
  const gaps: string[] = [];
  const interval = perSocket && o.intervalS !== undefined ? o.intervalS : os.intervalS;
  const count = perSocket && o.count !== undefined ? o.count : os.count;
  if (perSocket) {
    if (o.intervalS !== undefined) parts.push(`probes every ${o.intervalS} s (tcp-keep-alive-interval)`);
    if (o.count !== undefined) parts.push(`${o.count} unanswered probes close it (tcp-keep-alive-count)`);
  } else {
    if (o.intervalS !== undefined && o.intervalS !== os.intervalS) {
      gaps.push(
        `tcp-keep-alive-interval=${o.intervalS} s cannot be set without the socket-options addon; the OS value ${os.intervalS ?? '?'} s applies (net.ipv4.tcp_keepalive_intvl)`,
      );
    }
    if (o.count !== undefined && o.count !== os.count) {
      gaps.push(
        `tcp-keep-alive-count=${o.count} cannot be set without the socket-options addon; the OS value ${os.count ?? '?'} applies (net.ipv4.tcp_keepalive_probes)`,
      );
    }
  }
  if (interval !== undefined && count !== undefined)
    parts.push(`a silent peer is declared dead after about ${o.idleS + interval * count} s`);
  return parts.join('; ') + (gaps.length ? `. ${gaps.join('; ')}.` : '.');
}
