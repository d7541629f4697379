import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { sseFrame } from '../../../contracts/worker-protocol.js';
import type { AuthedRequest } from '../../common/auth-context.js';
import { unauthorized } from '../../common/errors.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { AuthService } from '../auth/auth.service.js';
import { EventStreamLimiter } from '../live/event-stream-limiter.js';
import { LiveBus } from '../live/live-bus.js';
import { ServiceStateService } from '../workers/service-state.service.js';

@ApiTags('service-state')
@Controller()
export class ServiceStateController {
  constructor(
    private readonly workers: ServiceStateService,
    private readonly alarms: AlarmsService,
    private readonly bus: LiveBus,
    private readonly auth: AuthService,
    private readonly streams: EventStreamLimiter,
  ) {}

  /** Every worker (online, config version, restart pending) and every HA pair as each proxy sees it. */
  @Get('service-state') state() {
    return this.workers.serviceState();
  }

  /**
   * The live stream for the UI (Server-Sent Events): `service-state` (whole, on change, at most every 250 ms;
   * also every 2 s so ages and offline workers refresh) and `alarm` (raised, cleared, acknowledged) at once.
   * At most EVENT_STREAMS_PER_SESSION streams per session (429 EVENT_STREAMS_LIMIT beyond); the session is checked on
   * every 2 s tick, so a stream ends within one tick of logout, a password change or expiry, on every replica.
   */
  @Get('events')
  async events(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const token = req.sessionToken;
    if (!token) throw unauthorized();
    const release = this.streams.acquire(this.auth.tokenHash(token));
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    let closed = false;
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    // Never write once ended: a write after end makes the response emit 'error'.
    const send = (frame: string) => {
      if (!closed) res.write(frame);
    };
    const sendState = async (): Promise<void> => {
      timer = undefined;
      if (closed) return;
      try {
        const s = await this.workers.serviceState();
        const { generatedAt: _g, ...comparable } = s;
        const key = JSON.stringify(comparable);
        if (key !== last) {
          last = key;
          send(sseFrame('service-state', s));
        }
      } catch {
        /* try again on the next tick */
      }
    };
    const schedule = () => {
      if (!timer) timer = setTimeout(() => void sendState(), 250);
    };
    const unsubscribe = this.bus.subscribe((e) => {
      if (closed) return;
      if (e.type === 'alarm') send(sseFrame('alarm', { action: e.action, alarm: e.alarm }));
      schedule();
    });
    const end = () => {
      if (closed) return;
      closed = true;
      release();
      unsubscribe();
      clearInterval(tick);
      if (timer) clearTimeout(timer);
      res.end();
    };
    const tick = setInterval(() => {
      void this.auth.isSessionLive(token).then(
        (live) => {
          if (!live) {
            end();
            return;
          }
          send(': ping\n\n');
          void sendState();
        },
        () => {
          /* database briefly unreachable: keep the stream, check again on the next tick */
        },
      );
    }, 2000);
    req.on('close', end);
    const alarms = await this.alarms.list('active', 1, 1).catch(() => ({ active: [] }));
    send(sseFrame('alarms', alarms.active));
    await sendState();
  }
}
