import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, type Repository } from 'typeorm';
import type { Page } from '../configuration/config.repository.js';
import { AlarmEntity, type Severity } from './alarm.entity.js';

export interface RaiseAlarm {
  key: string;
  eventId?: number;
  eventName?: string;
  severity: Severity;
  source: string;
  reason: string;
  trigger?: string;
  raisedAt?: Date;
}

@Injectable()
export class AlarmsRepository {
  constructor(@InjectRepository(AlarmEntity) private readonly repo: Repository<AlarmEntity>) {}

  active(): Promise<AlarmEntity[]> {
    return this.repo.find({ where: { clearedAt: IsNull() }, order: { raisedAt: 'DESC' } });
  }

  async history(page: number, pageSize: number): Promise<Page<AlarmEntity>> {
    const [items, total] = await this.repo.findAndCount({
      where: { clearedAt: Not(IsNull()) },
      order: { clearedAt: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  /** Inserts unless an active alarm with this key exists (the partial unique index makes it race-free across replicas). */
  async raise(a: RaiseAlarm): Promise<AlarmEntity | undefined> {
    const rows = await this.repo.query<{ id: string }[]>(
      `INSERT INTO alarms (key, event_id, event_name, severity, source, reason, trigger, raised_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
       ON CONFLICT (key) WHERE cleared_at IS NULL DO NOTHING RETURNING id`,
      [a.key, a.eventId ?? null, a.eventName ?? null, a.severity, a.source, a.reason, a.trigger ?? null, a.raisedAt ?? new Date()],
    );
    return rows[0] ? ((await this.repo.findOne({ where: { id: rows[0].id } })) ?? undefined) : undefined;
  }

  async clear(key: string, at = new Date()): Promise<AlarmEntity | undefined> {
    const rows = await this.repo.query<[{ id: string }[], number] | { id: string }[]>(
      'UPDATE alarms SET cleared_at = $2 WHERE key = $1 AND cleared_at IS NULL RETURNING id',
      [key, at],
    );
    const list = Array.isArray(rows[0]) ? (rows as [{ id: string }[], number])[0] : (rows as { id: string }[]);
    return list[0] ? ((await this.repo.findOne({ where: { id: list[0].id } })) ?? undefined) : undefined;
  }

  /** Tells the other control-plane replicas (LISTEN alarm_changed). */

  async acknowledge(id: string, by: string): Promise<AlarmEntity | null> {
    await this.repo.update({ id, acknowledgedAt: IsNull() }, { acknowledgedBy: by, acknowledgedAt: new Date() });
    return this.repo.findOne({ where: { id } });
  }
}
