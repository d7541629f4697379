import { Global, Module } from '@nestjs/common';
import { EventStreamLimiter } from './event-stream-limiter.js';
import { LiveBus } from './live-bus.js';

@Global()
@Module({ providers: [LiveBus, EventStreamLimiter], exports: [LiveBus, EventStreamLimiter] })
export class LiveModule {}
