import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth-context.js';
import { ReportIntakeService } from './report-intake.service.js';
import { SnapshotStreamService } from './snapshot-stream.service.js';
import { WorkerQueryService } from './worker-query.service.js';
import { WorkerTokensService } from './worker-tokens.service.js';

/** The worker protocol's endpoints (contracts/worker-protocol.ts): worker tokens only, never a user session. */
@ApiExcludeController()
@Public()
@Controller('worker-channel')
export class WorkerChannelController {
  constructor(
    private readonly tokens: WorkerTokensService,
    private readonly streams: SnapshotStreamService,
    private readonly reports: ReportIntakeService,
    private readonly queries: WorkerQueryService,
  ) {}

  @Get('stream')
  async stream(@Query('app') app: string, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    const token = await this.tokens.authenticate(auth, app ?? '');
    await this.streams.openStream(app, token, res);
  }

  @Post('report')
  @HttpCode(200)
  async report(@Body() body: { app?: string }, @Headers('authorization') auth: string | undefined) {
    const token = await this.tokens.authenticate(auth, typeof body?.app === 'string' ? body.app : '');
    return this.reports.handleReport(token, body);
  }

  /** The answer to one `query` (contracts/worker-query.ts). */
  @Post('answer')
  @HttpCode(200)
  async answer(@Body() body: { app?: string }, @Headers('authorization') auth: string | undefined) {
    const token = await this.tokens.authenticate(auth, typeof body?.app === 'string' ? body.app : '');
    return this.queries.handleAnswer(token, body);
  }
}
