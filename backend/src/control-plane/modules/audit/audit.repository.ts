import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Page } from '../configuration/config.repository.js';
import { AuditEntryEntity } from './audit-entry.entity.js';

@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEntryEntity) private readonly repo: Repository<AuditEntryEntity>) {}

  async list(page: number, pageSize: number, actor?: string): Promise<Page<AuditEntryEntity>> {
    const [items, total] = await this.repo.findAndCount({ where: actor ? { actor } : {}, order: { id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    return { items, total, page, pageSize };
  }

  async record(actor: string, action: string, target: string, detail?: unknown): Promise<void> {
    await this.repo.query('INSERT INTO audit_log (actor, action, target, detail) VALUES ($1, $2, $3, $4)', [actor, action.slice(0, 64), target.slice(0, 500), detail === undefined ? null : JSON.stringify(detail)]);
  }
}
