import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, Not, type Repository } from 'typeorm';
import { SessionEntity } from './session.entity.js';

@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly repo: Repository<SessionEntity>) {}

  create(userId: string, tokenHash: string, csrfToken: string, expiresAt: Date): Promise<SessionEntity> {
    return this.repo.save(this.repo.create({ userId, tokenHash, csrfToken, expiresAt }));
  }
  findValid(tokenHash: string, now: Date): Promise<SessionEntity | null> {
    return this.repo.findOne({ where: { tokenHash, expiresAt: MoreThan(now) }, relations: { user: true } });
  }
  async deleteByTokenHash(tokenHash: string): Promise<void> {
    await this.repo.delete({ tokenHash });
  }
  /** Ends every session of the user, but the one of `keepTokenHash` when given. */
  async deleteForUser(userId: string, keepTokenHash?: string): Promise<void> {
    await this.repo.delete(keepTokenHash ? { userId, tokenHash: Not(keepTokenHash) } : { userId });
  }
  async deleteExpired(now: Date): Promise<void> {
    await this.repo.delete({ expiresAt: LessThan(now) });
  }
}
