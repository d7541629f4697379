import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DATABASE_INFO, type DatabaseInfo } from './database-info.js';

export type DatabaseStateListener = (s: { up: boolean; reason: string; since: Date }) => void;

const PROBE_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

/**
 * Whether PostgreSQL can be used now, for every caller: the API answers 503 DATABASE_UNAVAILABLE while it is not
 * (main.ts), an alarm follows it (alarms/database-alarm.ts). Down is learnt from the embedded server's supervisor
 * (at once), from a request that failed to reach the server, or from a probe every second; up only from a probe
 * through the application's own connection pool, so "up" means the API's queries work again.
 */
@Injectable()
export class DatabaseState implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Database');
  private up = true;
  private since = new Date();
  private reason = '';
  private readonly listeners: DatabaseStateListener[] = [];
  private timer: NodeJS.Timeout | undefined;
  private probing = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(DATABASE_INFO) private readonly info: DatabaseInfo,
  ) {}

  onModuleInit(): void {
    this.info.watch?.((e) => {
      if (e.up) void this.probe();
      else this.markDown(e.detail);
    });
    this.timer = setInterval(() => void this.probe(), PROBE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get available(): boolean {
    return this.up;
  }
  get downSince(): Date | undefined {
    return this.up ? undefined : this.since;
  }
  /** When it last went down or up (start-up counts as up). */
  get changedAt(): Date {
    return this.since;
  }

  onChange(l: DatabaseStateListener): void {
    this.listeners.push(l);
  }

  markDown(reason: string): void {
    if (!this.up) return;
    this.set(false, reason);
    this.logger.error(
      `PostgreSQL (${this.info.mode}) is unavailable: ${reason}; the API answers 503 DATABASE_UNAVAILABLE until it is back`,
    );
  }

  private set(up: boolean, reason: string): void {
    const downFor = Date.now() - this.since.getTime();
    this.up = up;
    this.reason = reason;
    this.since = new Date();
    if (up) this.logger.log(`PostgreSQL (${this.info.mode}) is available again after ${Math.round(downFor / 100) / 10} s`);
    for (const l of this.listeners) {
      try {
        l({ up, reason, since: this.since });
      } catch (e) {
        this.logger.error(String(e));
      }
    }
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.race([
        this.ds.query('SELECT 1'),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref(),
        ),
      ]);
      if (!this.up) this.set(true, this.reason);
    } catch (e) {
      this.markDown((e as Error).message || String(e));
    } finally {
      this.probing = false;
    }
  }
}
