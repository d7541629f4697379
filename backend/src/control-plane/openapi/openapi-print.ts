/**
 * Prints the control plane's OpenAPI document (JSON) on stdout, built from the module metadata in Nest's preview
 * mode: no provider is instantiated, so no database, port or worker is needed. Used by `npm run gen:api`
 * (scripts/gen-api.mjs), which turns it into frontend/src/api/schema.gen.ts.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import { loadEnv } from '../config/env.js';
import { openApiDocument } from './openapi-document.js';

async function main(): Promise<void> {
  // Any URL: in preview mode nothing connects. loadEnv gives the documented defaults for the rest.
  const url = 'postgres://openapi@127.0.0.1:1/openapi';
  const env = loadEnv({ DATABASE_URL: url }, process.cwd());
  const app = await NestFactory.create(AppModule.forRoot(env, { mode: 'external', url }), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  process.stdout.write(`${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`openapi-print: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
