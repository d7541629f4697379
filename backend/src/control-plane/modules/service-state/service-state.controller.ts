import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { sseFrame } from '../../../contracts/worker-protocol.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { LiveBus } from '../live/live-bus.js';
import { WorkersService } from '../workers/workers.service.js';

@ApiTags('service-state')
@Controller()
export class ServiceStateController {
  constructor(private readonly workers: WorkersService, private readonly alarms: AlarmsService, private readonly bus: LiveBus) {}

  /** Every worker (online, config version, restart pending) and every HA pair as each proxy sees it. */
  @Get('service-state') state() { return this.workers.serviceState(); }

  /**
   * The live stream for the UI (Server-Sent Events): `service-state` (whole, on change, at most every 250 ms;
   * also every 2 s so ages and offline workers refresh) and `alarm` (raised, cleared, acknowledged) at once.
   */
  @Get('events')
  async events(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let closed = false;
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    const sendState = async (): Promise<void> => {
      timer = undefined;
      if (closed) return;
      try {
        const s = await this.workers.serviceState();
        const { generatedAt: _g, ...comparable } = s;
        const key = JSON.stringify(comparable);
        if (key !== last) { last = key; res.write(sseFrame('service-state', s)); }
      } catch { /* try again on the next tick */ }
    };
    const schedule = () => { if (!timer) timer = setTimeout(() => void sendState(), 250); };
    const unsubscribe = this.bus.subscribe((e) => {
      if (closed) return;
      if (e.type === 'alarm') res.write(sseFrame('alarm', { action: e.action, alarm: e.alarm }));
      schedule();
    });
    const tick = setInterval(() => { res.write(': ping\n\n'); void sendState(); }, 2000);
    req.on('close', () => { closed = true; unsubscribe(); clearInterval(tick); if (timer) clearTimeout(timer); });
    const alarms = await this.alarms.list('active', 1, 1).catch(() => ({ active: [] }));
    res.write(sseFrame('alarms', alarms.active));
    await sendState();
  }
}
