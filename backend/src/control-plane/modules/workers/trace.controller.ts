import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { TraceAnswer, TracePcapAnswer } from '../../../contracts/worker-query.js';
import { CanEditConfig } from '../../common/auth-context.js';
import { ValidQuery, type Infer } from '../../common/validation.js';
import { WorkerQueryService } from './worker-query.service.js';
import { TracePcapQuery, TraceSearchQuery } from './workers.schemas.js';

/**
 * The SIP trace of a SIP Proxy application's running worker ([sipproxy] sip-trace-size; worker/trace/): recent
 * messages by Call-ID, number or address, and the same as a pcap file. Asked of the worker over its channel, never
 * stored here. Operators and admins: the messages carry numbers and addresses (credentials are masked by default).
 */
@ApiTags('trace')
@Controller('trace')
export class TraceController {
  constructor(private readonly queries: WorkerQueryService) {}

  @Get()
  @CanEditConfig()
  async search(@ValidQuery(TraceSearchQuery) q: Infer<typeof TraceSearchQuery>): Promise<TraceAnswer & { app: string }> {
    const { app, ...filters } = q;
    return { app, ...(await this.queries.ask<TraceAnswer>(app, 'trace', filters)) };
  }

  /** The matching messages as a pcap file (the newest that fit one answer; `X-Trace-Omitted` says how many did not). */
  @Get('pcap')
  @CanEditConfig()
  async pcap(@ValidQuery(TracePcapQuery) q: Infer<typeof TracePcapQuery>, @Res() res: Response): Promise<void> {
    const { app, ...filters } = q;
    const a = await this.queries.ask<TracePcapAnswer>(app, 'trace-pcap', filters);
    const body = Buffer.from(a.pcap, 'base64');
    res
      .status(200)
      .set({
        'content-type': 'application/vnd.tcpdump.pcap',
        'content-disposition': `attachment; filename="sip-trace-${app.replace(/[^A-Za-z0-9._-]/g, '_')}.pcap"`,
        'x-trace-messages': String(a.messages),
        'x-trace-omitted': String(a.omitted),
      })
      .end(body);
  }
}
