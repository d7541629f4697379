import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth-context.js';
import type { Role } from './user.entity.js';
import { UsersService, type UserView } from './users.service.js';

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get() list(): Promise<UserView[]> { return this.users.list(); }
  @Post() create(@Body() body: { username: string; password: string; role: Role }): Promise<UserView> { return this.users.create(body?.username, body?.password, body?.role); }
  @Patch(':id') update(@Param('id') id: string, @Body() body: { password?: string; role?: Role }): Promise<UserView> { return this.users.update(id, body ?? {}); }
  @Delete(':id') @HttpCode(204) remove(@Param('id') id: string): Promise<void> { return this.users.remove(id); }
}
