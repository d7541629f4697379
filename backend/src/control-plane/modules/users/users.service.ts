import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ENV, type Env } from '../../config/env.js';
import { AppError, badRequest, conflict, notFound } from '../../common/errors.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { PasswordHasher } from './password-hasher.js';
import { caseNote } from '../../../contracts/names.js';
import { passwordProblem } from './password-policy.js';
import { type Role, type UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

export interface UserView {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
}
const view = (u: UserEntity): UserView => ({ id: u.id, username: u.username, role: u.role, createdAt: u.createdAt.toISOString() });

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** The first admin: password from ADMIN_PASSWORD, else generated and printed once. */
  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.findByUsername('admin')) return;
    const generated = this.env.adminPassword === undefined;
    const password = this.env.adminPassword ?? randomBytes(12).toString('base64url');
    try {
      await this.users.create('admin', await this.hasher.hash(password), 'admin');
    } catch (e) {
      if (await this.users.findByUsername('admin')) return; // another replica made it at the same moment
      throw e;
    }
    if (generated) {
      // Printed once, on the console only: it is not stored anywhere in clear.
      process.stdout.write(
        `\n  First admin user created: admin / ${password}\n  (set ADMIN_PASSWORD to choose it; this is the only time it is shown)\n\n`,
      );
    } else this.logger.log('First admin user created from ADMIN_PASSWORD');
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(view);
  }

  /** Fields are checked by UserCreateBody. */
  /**
   * User names are unique regardless of case (`Admin` next to `admin` reads as the same person in the audit log); the
   * index on lower(username COLLATE "C") holds it under concurrent creates. Login still matches the name exactly.
   */
  async create(username: string, password: string, role: Role): Promise<UserView> {
    const exists = (name: string) =>
      new AppError(409, 'USER_EXISTS', `A user named '${name}' already exists${caseNote(username, name)}`, [
        { path: 'username', code: 'duplicate-name', message: `is already taken by '${name}'${caseNote(username, name)}` },
      ]);
    const same = await this.users.findByUsernameAnyCase(username);
    if (same) throw exists(same.username);
    const hash = await this.hasher.hash(password);
    try {
      return view(await this.users.create(username, hash, role));
    } catch (e) {
      // 23505 unique_violation: another request created the same name (any case) meanwhile.
      if ((e as { driverError?: { code?: string } }).driverError?.code === '23505')
        throw exists((await this.users.findByUsernameAnyCase(username))?.username ?? username);
      throw e;
    }
  }

  async update(id: string, patch: { password?: string; role?: Role }): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw notFound(`User ${id}`);
    const problem = patch.password === undefined ? undefined : passwordProblem(patch.password, user.username);
    if (problem) throw badRequest('WEAK_PASSWORD', `password ${problem}`, [{ path: 'password', message: problem }]);
    if (user.role === 'admin' && patch.role && patch.role !== 'admin' && (await this.users.countByRole('admin')) <= 1)
      throw conflict('LAST_ADMIN', 'The last admin cannot lose the admin role');
    await this.users.update(id, {
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.password ? { passwordHash: await this.hasher.hash(patch.password) } : {}),
    });
    // Whoever knew the old password may hold a session made with it.
    if (patch.password !== undefined) await this.sessions.deleteForUser(id);
    return view((await this.users.findById(id))!);
  }

  /**
   * A user changes their own password: the current one proves it is them; their other sessions end. Call it through
   * AuthService.changeOwnPassword, which counts the current-password check with the login limiter.
   */
  async changeOwnPassword(id: string, currentPassword: string, newPassword: string, keepTokenHash: string | undefined): Promise<void> {
    const user = await this.users.findById(id);
    if (!user) throw notFound(`User ${id}`);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword)))
      throw new AppError(403, 'WRONG_PASSWORD', 'The current password is not right');
    const problem = passwordProblem(newPassword, user.username);
    if (problem) throw badRequest('WEAK_PASSWORD', `newPassword ${problem}`, [{ path: 'newPassword', message: problem }]);
    await this.users.update(id, { passwordHash: await this.hasher.hash(newPassword) });
    await this.sessions.deleteForUser(id, keepTokenHash);
  }

  async remove(id: string): Promise<void> {
    const user = await this.users.findById(id);
    if (!user) throw notFound(`User ${id}`);
    if (user.role === 'admin' && (await this.users.countByRole('admin')) <= 1)
      throw conflict('LAST_ADMIN', 'The last admin cannot be deleted');
    await this.users.delete(id);
  }
}
