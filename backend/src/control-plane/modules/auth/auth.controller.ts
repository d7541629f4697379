import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, Public, type AuthedRequest, type AuthUser } from '../../common/auth-context.js';
import { Returns, ReturnsNothing } from '../../common/response-schemas.js';
import { ValidBody, type Infer } from '../../common/validation.js';
import { AuthUser as AuthUserSchema, LoginResponse } from './auth.responses.js';
import { PasswordChangeBody } from '../users/users.schemas.js';
import { LoginBody } from './auth.schemas.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './session-token.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @Returns(LoginResponse)
  async login(
    @ValidBody(LoginBody) body: Infer<typeof LoginBody>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Infer<typeof LoginResponse>> {
    const result = await this.auth.login(body.username, body.password, req.ip ?? 'unknown');
    const secure = req.secure;
    res.cookie(SESSION_COOKIE, result.token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires: result.expiresAt });
    res.cookie(CSRF_COOKIE, result.csrfToken, { httpOnly: false, sameSite: 'strict', secure, path: '/', expires: result.expiresAt });
    return { token: result.token, user: result.user };
  }

  @Post('logout')
  @HttpCode(204)
  @ReturnsNothing()
  async logout(@Req() req: AuthedRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    if (req.sessionToken) await this.auth.logout(req.sessionToken);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  /** Any signed-in user changes their own password (rate limited with logins); their other sessions end, this one stays. */
  @Post('password')
  @HttpCode(204)
  @ReturnsNothing()
  async changePassword(
    @ValidBody(PasswordChangeBody) body: Infer<typeof PasswordChangeBody>,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<void> {
    await this.auth.changeOwnPassword(
      user,
      body.currentPassword,
      body.newPassword,
      req.ip ?? 'unknown',
      req.sessionToken ? this.auth.tokenHash(req.sessionToken) : undefined,
    );
  }

  @Get('me')
  @Returns(AuthUserSchema)
  me(@CurrentUser() user: AuthUser): Infer<typeof AuthUserSchema> {
    return user;
  }
}
