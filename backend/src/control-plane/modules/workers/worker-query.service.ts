import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { sseFrame, WORKER_PROTOCOL_VERSION } from '../../../contracts/worker-protocol.js';
import { answerSchema, QUERY_TIMEOUT_MS, type QueryKind, type QueryMessage } from '../../../contracts/worker-query.js';
import { AppError, badRequest, conflict, notFound } from '../../common/errors.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import type { WorkerTokenEntity } from './worker.entities.js';
import { WorkerRegistry } from './worker-registry.js';

interface Pending {
  app: string;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Answer codes of the worker (worker/worker-queries.ts) as HTTP statuses. */
const STATUS_OF: Record<string, number> = { BAD_QUERY: 400, NOT_FOUND: 404, NOT_RUNNING: 409, UNKNOWN_QUERY: 501 };

/**
 * Operators' questions to a running worker (contracts/worker-query.ts): a `query` frame on one of the application's
 * channels to this replica, the answer on POST /api/worker-channel/answer. The worker computes the answer with the
 * code it runs; this only carries it. A worker connected to another replica only is "not connected here" (409).
 */
@Injectable()
export class WorkerQueryService {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly config: ConfigurationService,
    private readonly registry: WorkerRegistry,
  ) {}

  /** 404: no such SIP Proxy application; 409: no worker of it connected; 504: no answer in time. */
  async ask<T>(app: string, kind: QueryKind, params: unknown): Promise<T> {
    const { doc } = await this.config.head();
    if (!proxyApplicationNames(doc).includes(app)) throw notFound(`SIP Proxy application ${app}`);
    const stream = this.registry.streamsOf(app)[0];
    if (!stream) throw conflict('WORKER_NOT_CONNECTED', `no worker of ${app} is connected to this control plane`);
    const id = randomUUID();
    const msg: QueryMessage = { protocol: WORKER_PROTOCOL_VERSION, id, kind, params };
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError(504, 'WORKER_TIMEOUT', `the worker of ${app} did not answer within ${QUERY_TIMEOUT_MS / 1000} s`));
      }, QUERY_TIMEOUT_MS);
      this.pending.set(id, { app, resolve, reject, timer });
    });
    stream.res.write(sseFrame('query', msg));
    return (await answer) as T;
  }

  /** POST /api/worker-channel/answer: the answer of one query, from a worker of the application it was asked of. */
  handleAnswer(token: WorkerTokenEntity, body: unknown): { accepted: boolean } {
    const r = answerSchema.safeParse(body);
    if (!r.success)
      throw badRequest(
        'BAD_ANSWER',
        r.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`)
          .join('; '),
      );
    const a = r.data;
    const p = this.pending.get(a.id);
    // An answer to a query this replica did not ask (or asked of another application, or timed out): dropped.
    if (!p || p.app !== a.app || token.app !== a.app) return { accepted: false };
    this.pending.delete(a.id);
    clearTimeout(p.timer);
    if (a.ok) p.resolve(a.result);
    else {
      const code = a.error?.code ?? 'QUERY_FAILED';
      p.reject(new AppError(STATUS_OF[code] ?? 502, code, a.error?.message ?? 'the worker could not answer'));
    }
    return { accepted: true };
  }
}
