import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth-context.js';
import { Returns } from '../../common/response-schemas.js';
import type { Infer } from '../../common/validation.js';
import { HealthResponse } from './health.responses.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when the database answers, 503 otherwise (for load balancers), with the details either way. */
  @Public()
  @Get()
  @Returns(HealthResponse)
  async get(@Res({ passthrough: true }) res: Response): Promise<Infer<typeof HealthResponse>> {
    const h = await this.health.check();
    if (!h.database.up) res.status(503);
    return h;
  }
}
