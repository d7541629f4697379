import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { badRequest, type FieldError } from './errors.js';
import { CONTROL } from './fields.js';

// No name, number or filter of this API holds a control character, and NUL reaching PostgreSQL is an error (22021)
// rather than "not found": the same class the body fields refuse.

/** The names of the path parameters and query values (nested ones as `a.b`) that hold a control character. */
function controlled(prefix: string, value: unknown, out: FieldError[], depth = 0): void {
  if (typeof value === 'string') {
    if (CONTROL.test(value))
      out.push({ path: prefix, code: 'control-character', message: 'must not contain control characters (NUL, CR, LF, ...)' });
    return;
  }
  if (depth > 4 || value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (CONTROL.test(k)) {
      out.push({ path: prefix, code: 'control-character', message: 'a parameter name must not contain control characters' });
      continue;
    }
    controlled(Array.isArray(value) ? prefix : prefix ? `${prefix}.${k}` : k, v, out, depth + 1);
  }
}

/**
 * One check for every route, before any handler: a path parameter or query value with a control character is a
 * 400 naming it, so no service ever sends one to the database.
 */
@Injectable()
export class ControlCharacterGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const errors: FieldError[] = [];
    controlled('', req.params ?? {}, errors);
    controlled('', req.query ?? {}, errors);
    if (errors.length)
      throw badRequest('INVALID_PARAMETER', `${errors.map((e) => e.path).join(', ')}: must not contain control characters`, errors);
    return true;
  }
}
