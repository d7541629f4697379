import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionEntity } from '../auth/session.entity.js';
import { SessionsRepository } from '../auth/sessions.repository.js';
import { UserEntity } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { PasswordHasher } from './password-hasher.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity])],
  controllers: [UsersController],
  providers: [UsersRepository, SessionsRepository, PasswordHasher, UsersService],
  // Sessions are here because a password change ends them; AuthModule uses the same repository.
  exports: [UsersRepository, SessionsRepository, PasswordHasher, UsersService],
})
export class UsersModule {}
