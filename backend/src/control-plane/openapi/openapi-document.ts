import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { addResponseSchemas } from '../common/response-schemas.js';
import { addDeclaredSchemas } from '../common/validation.js';

/**
 * The control plane's OpenAPI document: the routes Nest knows, with every declared request and response schema in
 * `components.schemas` (common/validation.ts, common/response-schemas.ts). main.ts serves it at /api/docs; the
 * `openapi-print` script prints it from the module metadata alone (no database), for `npm run gen:api`.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('SIP Edge control plane').setVersion('1').addBearerAuth().build(),
  );
  addDeclaredSchemas(doc);
  addResponseSchemas(doc);
  return doc;
}
