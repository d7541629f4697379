import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiProduces, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import type { DeclaredSchema } from './validation.js';

/**
 * What a route answers, declared once per route next to its request schemas (common/validation.ts):
 *
 *   @Returns(OptionSchemaResponse)           200 with a JSON body: the zod schema becomes an OpenAPI component
 *   @Returns(UserResponse, 201)
 *   @ReturnsNothing()                        204, no body
 *   @ReturnsFile('application/x-yaml')       a body that is not JSON (a YAML export, a pcap, an event stream)
 *
 * The OpenAPI document (control-plane/openapi/) carries them, `npm run gen:api` turns it into the UI's types
 * (frontend/src/api/schema.gen.ts), and openapi/route-schemas.spec.ts fails naming any route that declares none.
 * The schema documents the answer; it does not re-validate it at run time.
 */
export const RESPONSE_SCHEMA = 'sep:response-schema';

const responses = new Map<string, z.ZodType>();
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** A named response schema (its name is the OpenAPI component and the UI's type name). */
export function declareResponse<T extends z.ZodType>(name: string, schema: T): DeclaredSchema<T> {
  if (responses.has(name) && responses.get(name) !== schema) throw new Error(`response schema ${name} declared twice`);
  responses.set(name, schema);
  return { name, schema };
}

export function Returns(decl: DeclaredSchema, status = 200): MethodDecorator {
  return applyDecorators(
    SetMetadata(RESPONSE_SCHEMA, decl.name),
    ApiResponse({ status, description: decl.name, content: { 'application/json': { schema: ref(decl.name) } } }),
  );
}

export function ReturnsNothing(status = 204): MethodDecorator {
  return applyDecorators(SetMetadata(RESPONSE_SCHEMA, 'nothing'), ApiResponse({ status, description: 'No body' }));
}

export function ReturnsFile(mediaType: string, status = 200): MethodDecorator {
  return applyDecorators(
    SetMetadata(RESPONSE_SCHEMA, mediaType),
    ApiProduces(mediaType),
    ApiResponse({ status, description: mediaType, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } }),
  );
}

/** Puts every declared response schema into the document's components (the output side of each zod schema). */
export function addResponseSchemas(doc: OpenAPIObject): void {
  const schemas = ((doc.components ??= {}).schemas ??= {}) as Record<string, unknown>;
  for (const [name, schema] of responses) {
    if (name in schemas) throw new Error(`OpenAPI component ${name} is both a request and a response schema: name them apart`);
    const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    schemas[name] = rest;
  }
}
