/** The management HTTP server on the application's http-port: GET /status, /metrics, /health (node:http). */
import * as http from 'node:http';
import type { ProxyWorker } from './proxy-worker.js';

export interface ManagementServer {
  port: number;
  close(): Promise<void>;
}

export function startManagementServer(worker: ProxyWorker, host: string, port: number): Promise<ManagementServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    try {
      if (path === '/status') {
        send(res, 200, 'application/json', JSON.stringify(worker.status()));
      } else if (path === '/metrics') {
        send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', worker.metrics());
      } else if (path === '/health') {
        const st = worker.status();
        const oos = st.pairs.filter((p) => p.state === 'out-of-service').map((p) => p.name);
        const serving = st.pairs.find((p) => p.serving);
        // Up while listening; "degraded" when the serving pair is out of service (requests get 503).
        const body = { status: serving && serving.state === 'out-of-service' ? 'degraded' : 'ok', app: st.app, configVersion: st.configVersion, outOfService: oos };
        send(res, 200, 'application/json', JSON.stringify(body));
      } else {
        send(res, 404, 'application/json', JSON.stringify({ error: 'not found', paths: ['/status', '/metrics', '/health'] }));
      }
    } catch (e) {
      send(res, 500, 'application/json', JSON.stringify({ error: (e as Error).message }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : port,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}

function send(res: http.ServerResponse, code: number, type: string, body: string): void {
  res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
