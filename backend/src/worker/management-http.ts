/**
 * The management HTTP server on the application's http-port: GET /status, /metrics, /health, and the SIP trace
 * (/trace as JSON, /trace.pcap; trace/worker-trace.ts) (node:http).
 *
 * It is not a public door: it binds loopback unless http-address names another address, and off loopback everything
 * but /health needs `Authorization: Bearer <http-token>` (RFC 6750 §2.1); without an http-token configured it is
 * refused. With http-client-ca it speaks HTTPS and a client certificate issued by that CA stands in for the token
 * (mutual TLS, RFC 8446 §4.3.2: the certificate is asked for, not required, so /health stays open to anyone).
 * /status pages its connection list (`?limit=`, `?after=<connection id>`) so polling it under 10,000
 * connections copies one page, not all of them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { loadTlsMaterial, TlsConfigError } from '../sip/index.js';
import type { ProxyWorker } from './proxy-worker.js';
import { TRACE_PAGE_MAX, type TraceQuery } from './trace/sip-trace.js';

export interface ManagementServer {
  port: number;
  host: string;
  close(): Promise<void>;
}

export interface ManagementOptions {
  host: string;
  port: number;
  /** The current http-token (read per request: the option is live). */
  token: () => string | undefined;
  /** http-client-ca with the application's certificate and key: HTTPS, client certificates from clientCa accepted. */
  tls?: { certificate: string; certificateKey: string; clientCa: string };
}

/** Connections per /status page unless ?limit= says otherwise, and the most a page may hold. */
export const STATUS_PAGE_DEFAULT = 100;
export const STATUS_PAGE_MAX = 1000;

/** 127.0.0.0/8 and ::1 (IPv4-mapped included): only this host can reach them. */
export function isLoopbackAddress(a: string): boolean {
  const h = a.replace(/^\[|\]$/g, '').toLowerCase();
  return h.startsWith('127.') || h === '::1' || h.startsWith('::ffff:127.') || h === 'localhost';
}

/**
 * Where management binds: http-address when set; else the SIP address (sip-address, or the advertised host when the
 * SIP ports listen on every interface) when that is itself loopback (tests and single-host set-ups keep reaching it
 * there); else 127.0.0.1. Never every interface.
 */
export function managementHost(httpAddress: string | undefined, sipBindAddress: string): string {
  if (httpAddress !== undefined && httpAddress !== '') return httpAddress.replace(/^\[|\]$/g, '');
  return isLoopbackAddress(sipBindAddress) ? sipBindAddress.replace(/^\[|\]$/g, '') : '127.0.0.1';
}

function digest(v: string): Buffer {
  return createHash('sha256').update(v).digest();
}

/** Why a request for a protected path is refused (status and body), or undefined when it may pass. */
function refusal(
  req: http.IncomingMessage,
  onLoopback: boolean,
  token: string | undefined,
  mutualTls: boolean,
): [number, Record<string, string>, string] | undefined {
  if (onLoopback) return undefined;
  // A client certificate the handshake verified against http-client-ca (Node sets `authorized` only then).
  if (mutualTls && (req.socket as TLSSocket).authorized === true) return undefined;
  if (token === undefined || token === '') {
    return mutualTls
      ? [403, {}, 'a client certificate issued by [sipproxy] http-client-ca is required (http-token is not set)']
      : [403, {}, 'the management port is not on loopback and [sipproxy] http-token is not set: only /health is served'];
  }
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!m)
    return [
      401,
      { 'www-authenticate': 'Bearer realm="sip-proxy-management"' },
      mutualTls
        ? 'a client certificate issued by http-client-ca, or Authorization: Bearer <http-token>, required'
        : 'Authorization: Bearer <http-token> required',
    ];
  // Compared as digests: equal length, constant time.
  if (!timingSafeEqual(digest(m[1]), digest(token))) {
    return [403, { 'www-authenticate': 'Bearer realm="sip-proxy-management", error="invalid_token"' }, 'invalid token'];
  }
  return undefined;
}

function pageParams(url: URL): { limit: number; after?: string } | string {
  const rawLimit = url.searchParams.get('limit');
  let limit = STATUS_PAGE_DEFAULT;
  if (rawLimit !== null) {
    if (!/^\d{1,7}$/.test(rawLimit) || Number(rawLimit) < 1) return `limit must be an integer from 1 to ${STATUS_PAGE_MAX}`;
    limit = Math.min(STATUS_PAGE_MAX, Number(rawLimit));
  }
  const after = url.searchParams.get('after') ?? undefined;
  if (after !== undefined && !/^[a-z]{3}-\d{1,15}$/.test(after)) return 'after must be a connection id (e.g. tcp-17)';
  return after === undefined ? { limit } : { limit, after };
}

/** /trace and /trace.pcap: `q` (Call-ID, number or address), `callId`, `after` (a record's seq), `limit`. */
export function traceParams(url: URL): TraceQuery | string {
  const q = url.searchParams.get('q') ?? undefined;
  const callId = url.searchParams.get('callId') ?? undefined;
  if ((q?.length ?? 0) > 256 || (callId?.length ?? 0) > 256) return 'q and callId are at most 256 characters';
  const rawAfter = url.searchParams.get('after');
  if (rawAfter !== null && !/^\d{1,15}$/.test(rawAfter)) return 'after must be a record number (seq)';
  const rawLimit = url.searchParams.get('limit');
  if (rawLimit !== null && (!/^\d{1,7}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > TRACE_PAGE_MAX)) {
    return `limit must be an integer from 1 to ${TRACE_PAGE_MAX}`;
  }
  return {
    ...(q !== undefined ? { q } : {}),
    ...(callId !== undefined ? { callId } : {}),
    ...(rawAfter !== null ? { after: Number(rawAfter) } : {}),
    ...(rawLimit !== null ? { limit: Number(rawLimit) } : {}),
  };
}

/** HTTPS options for http-client-ca; a certificate, key or CA that does not load throws TlsConfigError naming the option. */
export function managementTlsOptions(t: NonNullable<ManagementOptions['tls']>): https.ServerOptions {
  let m;
  try {
    m = loadTlsMaterial({ certificate: t.certificate, certificateKey: t.certificateKey, trustedCa: t.clientCa });
  } catch (e) {
    if (e instanceof TlsConfigError && e.option === 'trusted-ca')
      throw new TlsConfigError('trusted-ca', `http-client-ca: ${e.message.replace(/^trusted-ca /, '')}`);
    throw e;
  }
  // Asked for, not required: a request without one still reaches /health, and the token path stays usable.
  return { cert: m.cert, key: m.key, ca: m.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
}

export function startManagementServer(worker: ProxyWorker, o: ManagementOptions): Promise<ManagementServer> {
  const onLoopback = isLoopbackAddress(o.host);
  const mutualTls = o.tls !== undefined;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://management');
    } catch {
      send(res, 400, 'application/json', JSON.stringify({ error: 'bad request target' }));
      return;
    }
    const path = url.pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    try {
      if (path === '/health') {
        const st = worker.status({ limit: 0 });
        const oos = st.pairs.filter((p) => p.state === 'out-of-service').map((p) => p.name);
        const serving = st.pairs.find((p) => p.serving);
        // Up while listening; "degraded" when the serving pair is out of service (requests get 503).
        const body = {
          status: serving && serving.state === 'out-of-service' ? 'degraded' : 'ok',
          app: st.app,
          configVersion: st.configVersion,
          outOfService: oos,
        };
        send(res, 200, 'application/json', JSON.stringify(body));
        return;
      }
      if (path !== '/status' && path !== '/metrics' && path !== '/trace' && path !== '/trace.pcap') {
        send(
          res,
          404,
          'application/json',
          JSON.stringify({ error: 'not found', paths: ['/status', '/metrics', '/health', '/trace', '/trace.pcap'] }),
        );
        return;
      }
      const refused = refusal(req, onLoopback, o.token(), mutualTls);
      if (refused) {
        const [code, headers, error] = refused;
        send(res, code, 'application/json', JSON.stringify({ error }), headers);
        return;
      }
      if (path === '/metrics') {
        worker.metrics().then(
          (text) => send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', text),
          (e: unknown) => send(res, 500, 'application/json', JSON.stringify({ error: `metrics: ${String(e)}` })),
        );
        return;
      }
      if (path === '/trace' || path === '/trace.pcap') {
        const q = traceParams(url);
        if (typeof q === 'string') {
          send(res, 400, 'application/json', JSON.stringify({ error: q }));
          return;
        }
        if (path === '/trace.pcap') {
          const pcap = worker.trace?.pcap(q) ?? Buffer.alloc(0);
          res.writeHead(200, {
            'content-type': 'application/vnd.tcpdump.pcap',
            'content-disposition': `attachment; filename="sip-trace-${worker.config.appName.replace(/[^A-Za-z0-9._-]/g, '_')}.pcap"`,
            'cache-control': 'no-store',
            'content-length': pcap.length,
          });
          res.end(pcap);
          return;
        }
        send(
          res,
          200,
          'application/json',
          JSON.stringify({ trace: worker.trace?.status(), ...(worker.trace?.search(q) ?? { total: 0, items: [] }) }),
        );
        return;
      }
      const page = pageParams(url);
      if (typeof page === 'string') {
        send(res, 400, 'application/json', JSON.stringify({ error: page }));
        return;
      }
      send(res, 200, 'application/json', JSON.stringify(worker.status(page)));
    } catch (e) {
      send(res, 500, 'application/json', JSON.stringify({ error: (e as Error).message }));
    }
  };
  let server: http.Server;
  try {
    server = o.tls ? https.createServer(managementTlsOptions(o.tls), handler) : http.createServer(handler);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : o.port,
        host: o.host,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

function send(res: http.ServerResponse, code: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(code, { ...headers, 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
