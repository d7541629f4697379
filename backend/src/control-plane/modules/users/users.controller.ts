import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth-context.js';
import { uuidParam } from '../../common/fields.js';
import { Returns, ReturnsNothing } from '../../common/response-schemas.js';
import { ValidBody, ValidParam, type Infer } from '../../common/validation.js';
import { UserList, UserView as UserViewSchema } from './users.responses.js';
import { UserCreateBody, UserPatchBody } from './users.schemas.js';
import { UsersService, type UserView } from './users.service.js';

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get() @Returns(UserList) list(): Promise<Infer<typeof UserList>> {
    return this.users.list();
  }
  @Post() @Returns(UserViewSchema, 201) create(@ValidBody(UserCreateBody) body: Infer<typeof UserCreateBody>): Promise<UserView> {
    return this.users.create(body.username, body.password, body.role);
  }
  /** A new password ends every session of that user. */
  @Patch(':id') @Returns(UserViewSchema) update(
    @ValidParam('id', uuidParam) id: string,
    @ValidBody(UserPatchBody) body: Infer<typeof UserPatchBody>,
  ): Promise<UserView> {
    return this.users.update(id, body);
  }
  @Delete(':id') @HttpCode(204) @ReturnsNothing() remove(@ValidParam('id', uuidParam) id: string): Promise<void> {
    return this.users.remove(id);
  }
}
