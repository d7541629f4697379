import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors.js';

/** Live-event streams one session may hold at once: enough for a few browser tabs, not for a socket flood. */
export const EVENT_STREAMS_PER_SESSION = 4;

/**
 * Counts the open `/api/events` streams per session (keyed by the session token's hash), so one signed-in user cannot
 * hold an unbounded number of long-lived responses, each with its own timers and database reads.
 */
@Injectable()
export class EventStreamLimiter {
  private readonly open = new Map<string, number>();

  /** Claims a stream slot for the session, or throws 429 EVENT_STREAMS_LIMIT; the returned function frees it (once). */
  acquire(sessionKey: string): () => void {
    const n = this.open.get(sessionKey) ?? 0;
    if (n >= EVENT_STREAMS_PER_SESSION) {
      throw new AppError(
        429,
        'EVENT_STREAMS_LIMIT',
        `This session already has ${EVENT_STREAMS_PER_SESSION} live-event streams open; close one first`,
      );
    }
    this.open.set(sessionKey, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(sessionKey) ?? 1) - 1;
      if (left <= 0) this.open.delete(sessionKey);
      else this.open.set(sessionKey, left);
    };
  }
}
