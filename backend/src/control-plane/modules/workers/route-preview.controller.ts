import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { RoutePreviewAnswer, RoutePreviewQuery } from '../../../contracts/worker-query.js';
import { CanEditConfig } from '../../common/auth-context.js';
import { ValidBody, type Infer } from '../../common/validation.js';
import { WorkerQueryService } from './worker-query.service.js';
import { RoutePreviewBody } from './workers.schemas.js';

/**
 * "Where would this go?": the running worker of the named SIP Proxy application routes the request with its own code
 * against its live state and says why (sip/proxy/route-preview.ts). Nothing is sent. Operators and admins: the answer
 * names registered flows and next hops.
 */
@ApiTags('route-preview')
@Controller('route-preview')
export class RoutePreviewController {
  constructor(private readonly queries: WorkerQueryService) {}

  @Post()
  @HttpCode(200)
  @CanEditConfig()
  preview(@ValidBody(RoutePreviewBody) b: Infer<typeof RoutePreviewBody>): Promise<RoutePreviewAnswer & { app: string }> {
    const q: RoutePreviewQuery =
      b.message !== undefined
        ? { message: b.message, source: b.source }
        : {
            source: b.source,
            fields: {
              method: b.method!,
              requestUri: b.requestUri!,
              from: b.from!,
              to: b.to,
              toTag: b.toTag,
              route: b.route,
              source: b.source,
            },
          };
    return this.queries.ask<RoutePreviewAnswer>(b.app, 'route-preview', q).then((a) => ({ app: b.app, ...a }));
  }
}
