import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The control plane's Prometheus series (prom-client): Node's default process metrics (CPU, memory, event-loop lag,
 * GC, handles) and every API answer counted and timed by route pattern (`/api/switches/:sw/dns/:number`, never the
 * names in the URL, so the label set stays small; `unmatched` for paths no route serves). Served by
 * GET /api/metrics (metrics.controller.ts); main.ts installs `middleware` before the routes.
 */
@Injectable()
export class ControlPlaneMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'controlplane_http_requests_total',
    help: 'API requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'controlplane_http_request_duration_seconds',
    help: 'Time from the request to the end of the answer, by method and route pattern.',
    labelNames: ['method', 'route'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Express middleware: counts and times each /api request once its answer is sent. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/')) {
      next();
      return;
    }
    const end = this.duration.startTimer();
    res.once('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      end({ method: req.method, route });
      this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };

  render(): Promise<string> {
    return this.registry.metrics();
  }
  get contentType(): string {
    return this.registry.contentType;
  }
}
