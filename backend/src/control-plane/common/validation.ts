import { Body, Param, Query, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError, type FieldError } from './errors.js';
import { BIDI, CONTROL } from './fields.js';

const UNSAFE = new RegExp(`${CONTROL.source}|${BIDI.source}`, 'g');
const escaped = (s: string) => s.replace(/["\\]/g, '\\$&').replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Request validation: every body, query and path parameter the API reads is declared once as a zod schema.
 * The same declaration validates the request (a 400 naming every bad field by its path, never a 500) and is
 * published in OpenAPI (`components.schemas`, from z.toJSONSchema), so the docs cannot drift from the check.
 *
 *   export const LoginBody = declareSchema('LoginBody', z.strictObject({ username: z.string(), password: z.string() }));
 *   login(@ValidBody(LoginBody) body: z.output<typeof LoginBody.schema>) { ... }
 */
export interface DeclaredSchema<T extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: T;
}
export type Infer<D extends DeclaredSchema> = z.output<D['schema']>;

const declared = new Map<string, z.ZodType>();

/** A named request schema; the name becomes its OpenAPI component. */
export function declareSchema<T extends z.ZodType>(name: string, schema: T): DeclaredSchema<T> {
  if (declared.has(name) && declared.get(name) !== schema) throw new Error(`request schema ${name} declared twice`);
  declared.set(name, schema);
  return { name, schema };
}

/** `password`, `ports.sip-port`, `items[2].name`: the way the API names fields in every error. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    // A key the client made up may hold CR/LF or bidi overrides: quoted (escaped) so the message cannot be forged.
    if (typeof p === 'string' && (CONTROL.test(p) || BIDI.test(p))) out += `["${escaped(p)}"]`;
    else out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Each zod issue as a FieldError; unknown keys are named one by one. */
export function fieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: fieldPath([...prefix, ...issue.path, key]), code: 'unknown_field', message: 'is not a field of this request' });
    } else out.push({ path: fieldPath([...prefix, ...issue.path]), code: issue.code, message: issue.message });
  }
  return out;
}

type Where = 'body' | 'query' | 'parameter';
const CODES: Record<Where, string> = { body: 'INVALID_BODY', query: 'INVALID_QUERY', parameter: 'INVALID_PARAMETER' };

export function validationError(where: Where, errors: FieldError[]): AppError {
  const shown = errors
    .slice(0, 10)
    .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
    .join('; ');
  return new AppError(
    400,
    CODES[where],
    `Invalid request ${where}: ${shown}${errors.length > 10 ? `; and ${errors.length - 10} more` : ''}`,
    errors,
  );
}

/**
 * Paths of `__proto__` keys in a parsed JSON value. JSON.parse makes `__proto__` an ordinary key, but zod's records
 * skip it (copying it would set the result's prototype), so a section, option or port under it vanished from the
 * request, which then succeeded without it. Bounded: bodies are at most 256 kB (50 MB for import, which is YAML).
 */
function protoKeyPaths(value: unknown, path: PropertyKey[] = [], out: PropertyKey[][] = [], depth = 0): PropertyKey[][] {
  if (typeof value !== 'object' || value === null || depth > 64 || out.length >= 10) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => protoKeyPaths(v, [...path, i], out, depth + 1));
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') out.push([...path, k]);
    else protoKeyPaths(v, [...path, k], out, depth + 1);
  }
  return out;
}

/** Parses with the schema or throws the 400; `prefix` names a path parameter in the field path. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: Where,
  prefix: readonly PropertyKey[] = [],
): z.output<T> {
  const proto = protoKeyPaths(value);
  if (proto.length)
    throw validationError(
      where,
      proto.map((p) => ({
        path: fieldPath([...prefix, ...p]),
        code: 'unknown_field',
        message: 'is not a field of this request (__proto__ names no option, section, port or field)',
      })),
    );
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw validationError(where, fieldErrors(r.error, prefix));
}

/** The pipe every declared body, query and parameter goes through (openapi/route-schemas.spec.ts looks for it). */
export class ZodPipe implements PipeTransform {
  constructor(
    private readonly schema: z.ZodType,
    private readonly where: Where,
    private readonly prefix: readonly PropertyKey[] = [],
  ) {}
  transform(value: unknown): unknown {
    // No JSON body at all (missing or other Content-Type) reaches here as undefined: report it as the body.
    return parseOrThrow(this.schema, value, this.where, this.prefix);
  }
}

function methodDecorator(target: object, key: string | symbol | undefined, apply: MethodDecorator): void {
  if (key === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor) apply(target, key, descriptor);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The JSON request body, validated by `decl` and published as its OpenAPI component. */
export function ValidBody(decl: DeclaredSchema): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(decl.schema, 'body'))(target, key, index);
    methodDecorator(target, key, ApiBody({ schema: ref(decl.name) }));
  };
}

/** The query string as an object validated by `decl` (a z.object of optional strings and coercions). */
export function ValidQuery(decl: DeclaredSchema<z.ZodObject>): ParameterDecorator {
  return (target, key, index) => {
    Query(new ZodPipe(decl.schema, 'query'))(target, key, index);
    const json = jsonSchema(decl.schema) as { properties?: Record<string, object>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      methodDecorator(target, key, ApiQuery({ name, required: json.required?.includes(name) ?? false, schema }));
    }
  };
}

/** One path parameter validated by `schema`; a bad one is a 400 naming the parameter. */
export function ValidParam(name: string, schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Param(name, new ZodPipe(schema, 'parameter', [name]))(target, key, index);
    methodDecorator(target, key, ApiParam({ name, required: true, schema: jsonSchema(schema) }));
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** Puts every declared request schema into the OpenAPI document's components (call once after createDocument). */
export function addDeclaredSchemas(doc: OpenAPIObject): void {
  const schemas = ((doc.components ??= {}).schemas ??= {}) as Record<string, unknown>;
  for (const [name, schema] of declared) schemas[name] = jsonSchema(schema);
}
