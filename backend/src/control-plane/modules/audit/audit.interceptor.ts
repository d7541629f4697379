import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { concatMap, from, type Observable } from 'rxjs';
import { maskSecretsDeep } from '../../../contracts/secrets.js';
import type { AuthedRequest } from '../../common/auth-context.js';
import { targetLabel } from './audit-labels.js';
import { AuditRepository } from './audit.repository.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Configuration commits write their own, richer entry inside the commit transaction; dry runs and checks change nothing.
// Worker reports are machine heartbeats (one a second per worker), not user actions.
// A route preview and a certificate check are questions (a POST only for their body, which for the check may hold a
// private key): they change nothing.
const SKIP = [
  /^\/api\/auth\/login$/,
  /^\/api\/config\/validate$/,
  /^\/api\/worker-channel\//,
  /^\/api\/route-preview$/,
  /^\/api\/certificates\/check$/,
];

/** Every successful write through the API is in the audit log: who, what, on which path. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');
  constructor(private readonly audit: AuditRepository) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!WRITES.has(req.method) || SKIP.some((r) => r.test(req.path)) || req.query?.dryRun === 'true') return next.handle();
    const route = (req.route as { path?: string } | undefined)?.path;
    // The target's name is read before the handler runs: after a DELETE there is nothing left to name.
    const label = targetLabel(route, req, this.audit).catch((e: unknown) => {
      this.logger.warn(`audit label for ${req.path}: ${String(e)}`);
      return undefined;
    });
    // The entry is written before the response leaves, so a client that saw success will find it in the log.
    return from(label).pipe(
      concatMap((target) =>
        next.handle().pipe(
          concatMap(async (result: unknown) => {
            const actor = req.user?.username ?? 'anonymous';
            await this.audit
              .record(actor, `${req.method} ${route ?? req.path}`, req.path, redact(req.body), target)
              .catch((e: unknown) => this.logger.error(`audit write failed: ${String(e)}`));
            return result;
          }),
        ),
      ),
    );
  }
}

/**
 * Bodies go into the audit log without secrets, at any depth: secret options (the registry's `secret`) as their
 * reference, credentials as `***`; YAML documents only by size.
 */
export function redact(body: unknown): unknown {
  if (typeof body === 'string') return { document: `${body.length} bytes` };
  if (typeof body !== 'object' || body === null) return null;
  return hideCredentials(maskSecretsDeep(body), 0);
}

function hideCredentials(v: unknown, depth: number): unknown {
  if (depth > 32 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => hideCredentials(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    out[k] = /password|token|passphrase/i.test(k) ? '***' : hideCredentials(x, depth + 1);
  return out;
}
