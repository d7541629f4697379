import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Page } from '../configuration/config.repository.js';
import { AuditEntryEntity } from './audit-entry.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntryEntity) private readonly repo: Repository<AuditEntryEntity>) {}

  async list(page: number, pageSize: number, actor?: string): Promise<Page<AuditEntryEntity>> {
    const [items, total] = await this.repo.findAndCount({
      where: actor ? { actor } : {},
      order: { id: 'DESC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total, page, pageSize };
  }

  async record(actor: string, action: string, target: string, detail?: unknown, targetLabel?: string): Promise<void> {
    await this.repo.query('INSERT INTO audit_log (actor, action, target, detail, target_label) VALUES ($1, $2, $3, $4, $5)', [
      actor,
      action.slice(0, 64),
      target.slice(0, 500),
      detail === undefined ? null : JSON.stringify(detail),
      targetLabel?.slice(0, 500) ?? null,
    ]);
  }

  // Names of objects the API addresses by id, read before the request changes (or deletes) them.
  usernameOf(id: string): Promise<string | undefined> {
    return this.one('SELECT username AS v FROM users WHERE id = $1', id);
  }
  workerTokenAppOf(id: string): Promise<string | undefined> {
    return this.one('SELECT app AS v FROM worker_tokens WHERE id = $1', id);
  }
  alarmKeyOf(id: string): Promise<string | undefined> {
    return this.one('SELECT key AS v FROM alarms WHERE id = $1', id);
  }

  private async one(sql: string, id: string): Promise<string | undefined> {
    if (!UUID.test(id)) return undefined;
    const rows = await this.repo.query<{ v: string }[]>(sql, [id]);
    return rows[0]?.v;
  }
}
