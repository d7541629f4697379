import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AppError } from '../../common/errors.js';

/**
 * Every argon2 hash and verify of the control plane goes through here: at most MAX_RUNNING at once (each takes
 * 64 MiB and a libuv thread for tens of milliseconds), at most MAX_WAITING queued; beyond that the request is refused
 * with 503 at once. Without the bound a burst of logins filled the thread pool and memory: the whole API stalled.
 */
const MAX_RUNNING = 2;
const MAX_WAITING = 32;

@Injectable()
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  hash(password: string): Promise<string> {
    return this.bounded(() => argon2.hash(password));
  }
  verify(hash: string, password: string): Promise<boolean> {
    return this.bounded(() => argon2.verify(hash, password));
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_RUNNING) {
      if (this.waiting.length >= MAX_WAITING) {
        throw new AppError(503, 'BUSY', 'Too many password checks in progress; try again in 1 s', undefined, 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
