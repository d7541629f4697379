/**
 * Socket options Node.js has no API for, through the small Node-API addon in `backend/native/sockopt.c`:
 *
 *  - the TOS/DSCP byte of sent packets (IP_TOS, IPV6_TCLASS; RFC 2474 §3, RFC 3542 §6.5), the guide's `sip-ip-tos`;
 *  - SO_REUSEPORT on the SIP listeners of a worker group's processes (each binds the same port; the kernel hashes a
 *    UDP source's datagrams, and each TCP connection, to one of them), which Node 20 cannot set;
 *  - the TCP keep-alive probe interval and count (TCP_KEEPINTVL, TCP_KEEPCNT; RFC 1122 §4.2.3.6), where libuv only
 *    sets the idle time, and TCP_USER_TIMEOUT (RFC 5482) so unacknowledged data is given up on in the same time.
 *
 * The addon is optional: it is compiled by `scripts/build.mjs` when a C compiler and Node's headers are present. Without
 * it every function here reports `unsupported` and the caller falls back to the OS values and says so.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dgram from 'node:dgram';
import type * as net from 'node:net';

interface SockoptAddon {
  setTos(fd: number, family: number, tos: number): void;
  getTos(fd: number, family: number): number;
  setKeepAlive(fd: number, idleS: number, intervalS: number, count: number, userTimeoutMs: number): void;
  getKeepAlive(fd: number): [number, number, number, number, number];
  reusePortSocket(stream: 0 | 1, family: 4 | 6, address: string, port: number): number;
}

/** Outcome of setting an option: `unsupported` when the addon is absent, `error` with the errno name otherwise. */
export type SocketOptionResult = { ok: true } | { ok: false; code: string; message: string };

export interface SocketOptionsSupport {
  available: boolean;
  /** Where the addon was loaded from, or why it is not available. */
  detail: string;
}

const ADDON_RELATIVE = join('native', 'build', 'sockopt.node');
let addon: SockoptAddon | null | undefined;
let support: SocketOptionsSupport = { available: false, detail: 'not loaded yet' };

/** Finds `native/build/sockopt.node` in the first ancestor folder of this module that has one (src or dist layout). */
function load(): SockoptAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, ADDON_RELATIVE);
    if (existsSync(candidate)) {
      try {
        addon = createRequire(import.meta.url)(candidate) as SockoptAddon;
        support = { available: true, detail: candidate };
      } catch (e) {
        support = { available: false, detail: `${candidate} failed to load: ${(e as Error).message}` };
      }
      return addon;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  support = {
    available: false,
    detail: 'the socket-options addon (backend/native/build/sockopt.node) is not built: run `npm run build` with a C compiler present',
  };
  return addon;
}

/** Whether the addon is present, and where from (or why not). */
export function socketOptionsSupport(): SocketOptionsSupport {
  load();
  return support;
}

/**
 * The file descriptor Node's handle holds for a socket, or -1 (not yet connected, closed, or not a Unix platform).
 * Reads the handle through its internal field: Node exposes no public accessor.
 */
export function socketFd(socket: net.Socket | dgram.Socket): number {
  // dgram keeps its handle in a symbol-keyed state object (reading `_handle` there is deprecated, DEP0112).
  const holder =
    socket instanceof dgram.Socket ? stateHandle(socket) : (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = holder?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

function stateHandle(socket: object): { fd?: unknown } | null | undefined {
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    const v = (socket as Record<symbol, unknown>)[sym];
    if (v !== null && typeof v === 'object' && 'handle' in v) return (v as { handle?: { fd?: unknown } | null }).handle;
  }
  return undefined;
}

function call(fn: (a: SockoptAddon) => void, fd: number): SocketOptionResult {
  const a = load();
  if (!a) return { ok: false, code: 'unsupported', message: support.detail };
  if (fd < 0) return { ok: false, code: 'EBADF', message: 'socket has no file descriptor (not open)' };
  try {
    fn(a);
    return { ok: true };
  } catch (e) {
    const err = e as Error & { code?: string };
    return { ok: false, code: err.code ?? 'EIO', message: err.message };
  }
}

/** Sets the TOS byte (IPv4) or traffic class (IPv6) of every packet the socket sends (RFC 2474 §3). */
export function setIpTos(socket: net.Socket | dgram.Socket, family: 4 | 6, tos: number): SocketOptionResult {
  const fd = socketFd(socket);
  return call((a) => a.setTos(fd, family, tos), fd);
}

/** The socket's TOS byte / traffic class as the kernel reports it, or undefined where it cannot be read. */
export function getIpTos(socket: net.Socket | dgram.Socket, family: 4 | 6): number | undefined {
  const a = load();
  const fd = socketFd(socket);
  if (!a || fd < 0) return undefined;
  try {
    return a.getTos(fd, family);
  } catch {
    return undefined;
  }
}

/**
 * SO_KEEPALIVE with idle time, probe interval and probe count on a connected TCP socket (RFC 1122 §4.2.3.6), and the
 * user timeout for unacknowledged data (RFC 5482; Linux TCP_USER_TIMEOUT). 0 leaves a value at the OS's.
 */
export function setTcpKeepAlive(
  socket: net.Socket,
  idleS: number,
  intervalS: number,
  count: number,
  userTimeoutMs = 0,
): SocketOptionResult {
  const fd = socketFd(socket);
  return call((a) => a.setKeepAlive(fd, Math.round(idleS), Math.round(intervalS), Math.round(count), Math.round(userTimeoutMs)), fd);
}

/** The keep-alive settings the kernel holds for a TCP socket, or undefined where they cannot be read. */
export function getTcpKeepAlive(
  socket: net.Socket,
): { enabled: boolean; idleS: number; intervalS: number; count: number; userTimeoutMs: number } | undefined {
  const a = load();
  const fd = socketFd(socket);
  if (!a || fd < 0) return undefined;
  try {
    const [enabled, idleS, intervalS, count, userTimeoutMs] = a.getKeepAlive(fd);
    return { enabled: enabled !== 0, idleS, intervalS, count, userTimeoutMs };
  } catch {
    return undefined;
  }
}

/**
 * A socket bound to address:port with SO_REUSEADDR + SO_REUSEPORT (IPv6 ones IPv6-only), for `dgram` bind({ fd })
 * (`udp`) or net.Server listen({ fd }) (`tcp`, not yet listening). Throws when the addon is absent (a group needs it)
 * or the bind fails (`code` EADDRINUSE when the port is held by a socket without SO_REUSEPORT or another user's).
 */
export function reusePortSocket(transport: 'udp' | 'tcp', family: 4 | 6, address: string, port: number): number {
  const a = load();
  if (!a) throw Object.assign(new Error(`SO_REUSEPORT needs ${support.detail}`), { code: 'unsupported' });
  return a.reusePortSocket(transport === 'tcp' ? 1 : 0, family, address, port);
}
