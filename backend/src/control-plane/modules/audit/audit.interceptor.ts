import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';
import type { AuthedRequest } from '../../common/auth-context.js';
import { AuditRepository } from './audit.repository.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Configuration commits write their own, richer entry inside the commit transaction; dry runs and checks change nothing.
// Worker reports are machine heartbeats (one a second per worker), not user actions.
const SKIP = [/^\/api\/auth\/login$/, /^\/api\/config\/validate$/, /^\/api\/worker-channel\//];

/** Every successful write through the API is in the audit log: who, what, on which path. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');
  constructor(private readonly audit: AuditRepository) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!WRITES.has(req.method) || SKIP.some((r) => r.test(req.path)) || req.query?.dryRun === 'true') return next.handle();
    // The entry is written before the response leaves, so a client that saw success will find it in the log.
    return next.handle().pipe(concatMap(async (result: unknown) => {
      const actor = req.user?.username ?? 'anonymous';
      await this.audit.record(actor, `${req.method} ${req.route?.path ?? req.path}`, req.path, redact(req.body)).catch((e: unknown) => this.logger.error(`audit write failed: ${String(e)}`));
      return result;
    }));
  }
}

/** Bodies go into the audit log without secrets, and YAML documents only by size. */
function redact(body: unknown): unknown {
  if (typeof body === 'string') return { document: `${body.length} bytes` };
  if (typeof body !== 'object' || body === null) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = /password|token|key/i.test(k) ? '***' : v;
  return out;
}
