import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Notifications } from '../../database/notifications.js';
import { notFound } from '../../common/errors.js';
import { LiveBus } from '../live/live-bus.js';
import type { AlarmEntity } from './alarm.entity.js';
import { AlarmsRepository, type RaiseAlarm } from './alarms.repository.js';

export interface AlarmView {
  id: string;
  key: string;
  eventId: number | null;
  eventName: string | null;
  severity: string;
  source: string;
  reason: string;
  trigger: string | null;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  active: boolean;
}
export const alarmView = (a: AlarmEntity): AlarmView => ({
  id: a.id,
  key: a.key,
  eventId: a.eventId,
  eventName: a.eventName,
  severity: a.severity,
  source: a.source,
  reason: a.reason,
  trigger: a.trigger,
  raisedAt: a.raisedAt.toISOString(),
  clearedAt: a.clearedAt?.toISOString() ?? null,
  acknowledgedBy: a.acknowledgedBy,
  acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
  active: !a.clearedAt,
});

/**
 * Alarms keyed by cause: raising an active one again is a no-op, clearing moves it to history. Every change goes to
 * this replica's live stream and, through NOTIFY, to the other replicas'. While PostgreSQL is away a raise or clear
 * is kept and retried, so none is lost.
 */
@Injectable()
export class AlarmsService implements OnModuleInit {
  private readonly logger = new Logger('Alarms');
  /** Keys this replica believes active, with their source (saves a query per worker report). */
  private readonly activeKeys = new Map<string, string>();
  private loaded = false;
  private readonly retry = new Map<string, { op: 'raise'; a: RaiseAlarm } | { op: 'clear'; at: Date }>();

  constructor(
    private readonly repo: AlarmsRepository,
    private readonly bus: LiveBus,
    private readonly notifications: Notifications,
  ) {}

  onModuleInit(): void {
    this.notifications.on('alarm_changed', (msg, { fromHere }) => {
      if (fromHere) return;
      if (msg.action === 'raised') this.activeKeys.set(msg.alarm.key, msg.alarm.source);
      else if (msg.action === 'cleared') this.activeKeys.delete(msg.alarm.key);
      this.bus.emit({ type: 'alarm', action: msg.action, alarm: msg.alarm });
    });
    this.notifications.onReconnect(() => {
      this.loaded = false;
    });
    setInterval(() => void this.flushRetries(), 2000).unref();
  }

  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    const active = await this.repo.active();
    this.activeKeys.clear();
    for (const a of active) this.activeKeys.set(a.key, a.source);
    this.loaded = true;
  }

  isActive(key: string): boolean {
    return this.activeKeys.has(key);
  }
  /**
   * Active keys starting with `prefix` that `source` raised. The source matters: worker alarms are keyed
   * `<app>:<key>` and names may hold ':', so `PX:` also prefixes the alarms of an application PX:B.
   */
  activeKeysOf(source: string, prefix: string): string[] {
    return [...this.activeKeys].filter(([k, s]) => s === source && k.startsWith(prefix)).map(([k]) => k);
  }

  async raise(a: RaiseAlarm): Promise<void> {
    try {
      await this.ensureLoaded();
      if (this.activeKeys.has(a.key)) return;
      const row = await this.repo.raise(a);
      this.activeKeys.set(a.key, a.source);
      this.retry.delete(a.key);
      if (row) {
        this.logger.warn(`alarm raised: ${a.key}: ${a.reason}`);
        this.publish('raised', row);
      }
    } catch (e) {
      this.retry.set(a.key, { op: 'raise', a: { ...a, raisedAt: a.raisedAt ?? new Date() } });
      this.logger.error(`could not store alarm ${a.key} (will retry): ${(e as Error).message}`);
    }
  }

  async clear(key: string): Promise<void> {
    try {
      await this.ensureLoaded();
      if (!this.activeKeys.has(key) && !this.retry.has(key)) return;
      const pending = this.retry.get(key);
      if (pending?.op === 'raise') {
        this.retry.delete(key);
        await this.repo.raise(pending.a);
      }
      const row = await this.repo.clear(key);
      this.activeKeys.delete(key);
      this.retry.delete(key);
      if (row) {
        this.logger.log(`alarm cleared: ${key}`);
        this.publish('cleared', row);
      }
    } catch (e) {
      this.retry.set(key, { op: 'clear', at: new Date() });
      this.logger.error(`could not clear alarm ${key} (will retry): ${(e as Error).message}`);
    }
  }

  async list(state: 'active' | 'history' | 'all', page: number, pageSize: number) {
    await this.ensureLoaded().catch(() => undefined);
    const active = state === 'history' ? [] : (await this.repo.active()).map(alarmView);
    const history = state === 'active' ? { items: [], total: 0, page, pageSize } : await this.repo.history(page, pageSize);
    return { active, history: { ...history, items: history.items.map(alarmView) } };
  }

  async acknowledge(id: string, by: string): Promise<AlarmView> {
    const row = await this.repo.acknowledge(id, by);
    if (!row) throw notFound(`Alarm ${id}`);
    this.publish('acknowledged', row);
    return alarmView(row);
  }

  private publish(action: 'raised' | 'cleared' | 'acknowledged', row: AlarmEntity): void {
    const alarm = alarmView(row);
    this.bus.emit({ type: 'alarm', action, alarm });
    void this.notifications.notify('alarm_changed', { action, alarm }).catch(() => undefined);
  }

  private async flushRetries(): Promise<void> {
    for (const [key, r] of [...this.retry]) {
      if (r.op === 'raise') {
        await this.raise(r.a);
        continue;
      }
      try {
        const row = await this.repo.clear(key, r.at);
        this.retry.delete(key);
        this.activeKeys.delete(key);
        if (row) this.publish('cleared', row);
      } catch {
        /* still away */
      }
    }
  }
}
