import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { UserEntity, type Role } from './user.entity.js';

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly repo: Repository<UserEntity>) {}

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { username } });
  }
  /** The user whose name equals `username` regardless of case (names are unique so; login still matches exactly). */
  findByUsernameAnyCase(username: string): Promise<UserEntity | null> {
    // COLLATE "C": fold A-Z only, whatever the database's locale (tr_TR lower-cases I to ı), as the unique index does.
    return this.repo
      .createQueryBuilder('u')
      .where('LOWER(u.username COLLATE "C") = LOWER(CAST(:username AS text) COLLATE "C")', { username })
      .getOne();
  }
  findById(id: string): Promise<UserEntity | null> {
    return this.repo.findOne({ where: { id } });
  }
  list(): Promise<UserEntity[]> {
    return this.repo.find({ order: { username: 'ASC' } });
  }
  countByRole(role: Role): Promise<number> {
    return this.repo.count({ where: { role } });
  }
  create(username: string, passwordHash: string, role: Role): Promise<UserEntity> {
    return this.repo.save(this.repo.create({ username, passwordHash, role }));
  }
  async update(id: string, patch: Partial<Pick<UserEntity, 'passwordHash' | 'role'>>): Promise<void> {
    await this.repo.update({ id }, patch);
  }
  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }
}
