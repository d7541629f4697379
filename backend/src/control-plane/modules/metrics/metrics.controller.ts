import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../../common/auth-context.js';
import { ReturnsFile } from '../../common/response-schemas.js';
import { ControlPlaneMetrics } from './control-plane-metrics.js';

/**
 * GET /api/metrics: the control plane's Prometheus exposition. Like a worker's /metrics beyond loopback, never
 * anonymous: operators and admins, by session cookie or `Authorization: Bearer <token>` (POST /api/auth/login).
 * /api/health stays the one public endpoint (load balancers).
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: ControlPlaneMetrics) {}

  @Get()
  @Roles('admin', 'operator')
  @ReturnsFile('text/plain')
  async get(@Res() res: Response): Promise<void> {
    const body = await this.metrics.render();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(body);
  }
}
