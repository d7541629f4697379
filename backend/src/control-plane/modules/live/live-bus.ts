import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export type LiveEvent =
  { type: 'alarm'; action: 'raised' | 'cleared' | 'acknowledged'; alarm: unknown } | { type: 'service-state-changed' };

/** In-process fan-out of what the UI's live stream shows (alarms, service state). */
@Injectable()
export class LiveBus {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(0);
  }
  emit(e: LiveEvent): void {
    this.ee.emit('event', e);
  }
  subscribe(fn: (e: LiveEvent) => void): () => void {
    this.ee.on('event', fn);
    return () => this.ee.off('event', fn);
  }
}
