/**
 * persistent-next-hop-connection: the kept TCP/TLS connection to each SIP Server, and RFC 5626 §4.4.1 keep-alive on
 * it. Dialogic's persistent client connection to its outbound proxy (seeds/000) is opened at start and "kept alive
 * until Global Call closes"; a kept connection is worth having only while the peer behind it answers, so, as an
 * RFC 5626 client does on its flows: a CRLFCRLF ping at an interval drawn between 80 % and 100 % of the base
 * (jittered so the pool's proxies do not ping in step), and a peer that sends nothing back (a CRLF pong, or any
 * bytes) within 10 s has failed: the connection is closed and a new one opened at once.
 */
import { isIP } from 'node:net';
import type { ResolvedHop, Hop, Destination } from '../sip/index.js';

const PING = Buffer.from('\r\n\r\n');

/** What the keeper needs of the transport layer (TransportLayer has it). */
export interface KeeperTransport {
  send(data: Buffer, destination: Destination): string | undefined;
  connectionLastReceived(id: string): number | undefined;
  closeConnection(id: string): boolean;
}

export interface NextHopKeeperOptions {
  /** Base ping interval (ms); each wait is drawn in [0.8, 1] x this (RFC 5626 §4.4.1). */
  intervalMs: number;
  /** A pong must arrive within this (ms); RFC 5626 §4.4.1 says 10 seconds. */
  pongTimeoutMs: number;
  /** [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
  /** Told when a kept connection failed (no pong) and was replaced. */
  onReplaced?: (hop: KeptHop, connectionId: string) => void;
}

export type KeptHop = { transport: 'tcp' | 'tls'; host: string; port: number };

interface HopState {
  readonly hop: KeptHop;
  connectionId?: string;
  timer?: NodeJS.Timeout;
}

export const KEEPER_DEFAULTS: NextHopKeeperOptions = { intervalMs: 30_000, pongTimeoutMs: 10_000 };

/** Keeps one connection to each hop, pinging it and replacing it when the peer stops answering. */
export class NextHopKeeper {
  readonly counters = { pings: 0, pongsMissed: 0, replaced: 0 };
  private readonly states: HopState[];
  private stopped = false;

  constructor(
    private readonly transport: KeeperTransport,
    hops: readonly KeptHop[],
    private readonly resolve: (hop: Hop, done: (h: ResolvedHop | undefined) => void) => void,
    private readonly opts: NextHopKeeperOptions = KEEPER_DEFAULTS,
  ) {
    this.states = hops.map((hop) => ({ hop }));
  }

  /** Opens every connection (the first ping opens it) and starts the ping cycle. */
  start(): void {
    for (const s of this.states) this.ping(s);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.states) if (s.timer) clearTimeout(s.timer);
  }

  /** The connection currently kept to each hop (ids; undefined while none is open). */
  connections(): (string | undefined)[] {
    return this.states.map((s) => s.connectionId);
  }

  private ping(s: HopState): void {
    if (this.stopped) return;
    const { hop } = s;
    if (isIP(hop.host)) this.pingAt(s, { transport: hop.transport, host: hop.host, port: hop.port });
    else {
      // Resolved the way requests resolve it, and the TLS identity checked against the name, so requests find this very
      // connection (by address and verified name) instead of opening another.
      this.resolve(hop, (r) => {
        if (r) this.pingAt(s, { transport: r.transport, host: r.host, port: r.port, tlsServerName: hop.host });
        else this.schedule(s);
      });
    }
  }

  private pingAt(s: HopState, dest: Destination): void {
    if (this.stopped) return;
    const id = this.transport.send(PING, dest); // reuses the kept connection, or opens one when it was lost
    this.counters.pings++;
    s.connectionId = id;
    if (id === undefined) {
      this.schedule(s);
      return;
    }
    // Read before any byte can arrive (socket data comes on a later turn of the event loop): any change is an answer.
    const before = this.transport.connectionLastReceived(id);
    s.timer = setTimeout(() => {
      if (this.stopped) return;
      const last = this.transport.connectionLastReceived(id);
      if (last !== undefined && last === before) {
        // RFC 5626 §4.4.1: no pong within 10 s, the flow has failed. Replace it now rather than at the next request.
        this.counters.pongsMissed++;
        this.transport.closeConnection(id);
        this.counters.replaced++;
        this.opts.onReplaced?.(s.hop, id);
        this.ping(s);
        return;
      }
      this.schedule(s); // answered, or already closed (the next ping reopens it)
    }, this.opts.pongTimeoutMs);
    s.timer.unref();
  }

  private schedule(s: HopState): void {
    if (this.stopped) return;
    const r = (this.opts.random ?? Math.random)();
    const wait = Math.max(0, Math.round(this.opts.intervalMs * (0.8 + 0.2 * r)) - this.opts.pongTimeoutMs);
    s.timer = setTimeout(() => this.ping(s), wait);
    s.timer.unref();
  }
}
