import 'reflect-metadata';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { NestFactory } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core/injector/container.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../app.module.js';
import { RESPONSE_SCHEMA } from '../common/response-schemas.js';
import { ZodPipe } from '../common/validation.js';
import { loadEnv } from '../config/env.js';
import { openApiDocument } from './openapi-document.js';

/**
 * Routes that answered before response schemas were declared and still declare none. This list only shrinks: a
 * new route must declare its response (`@Returns`, `@ReturnsNothing`, `@ReturnsFile`, common/response-schemas.ts),
 * and a route that gains one must leave the list.
 */
const RESPONSE_BACKLOG = new Set<string>([
  'GET /api/audit',
  'GET /api/config/head',
  'POST /api/config/import',
  'GET /api/config/export',
  'POST /api/config/validate',
  'GET /api/config/versions',
  'GET /api/config/versions/:version',
  'GET /api/config/diff',
  'POST /api/config/versions/:version/rollback',
  'GET /api/options/schema',
  'GET /api/applications',
  'GET /api/applications/:name',
  'POST /api/applications',
  'PATCH /api/applications/:name',
  'DELETE /api/applications/:name',
  'GET /api/switches',
  'GET /api/switches/:name',
  'POST /api/switches',
  'PATCH /api/switches/:name',
  'DELETE /api/switches/:name',
  'GET /api/dns',
  'GET /api/switches/:sw/dns',
  'GET /api/switches/:sw/dns/:number',
  'POST /api/switches/:sw/dns',
  'PATCH /api/switches/:sw/dns/:number',
  'DELETE /api/switches/:sw/dns/:number',
  'GET /api/trunks',
  'POST /api/sites', // landed beside this check
  'POST /api/trunks/provision',
  'GET /api/alarms',
  'POST /api/alarms/:id/acknowledge',
  'GET /api/worker-channel/stream',
  'POST /api/worker-channel/report',
  'POST /api/worker-channel/answer',
  'GET /api/workers',
  'POST /api/workers/:id/restart',
  'GET /api/workers/:id/connections',
  'DELETE /api/workers/:id/connections/:connectionId',
  'GET /api/workers/tokens',
  'POST /api/workers/tokens',
  'DELETE /api/workers/tokens/:id',
  'GET /api/applications/:name/admin-state',
  'PUT /api/applications/:name/admin-state',
  'GET /api/sip-servers/:name/admin-state',
  'PUT /api/sip-servers/:name/admin-state',
  'POST /api/route-preview',
  'GET /api/trace',
  'GET /api/trace/pcap',
  'GET /api/service-state',
  'GET /api/events',
  'GET /api/search',
]);

/** Routes that read a path parameter, query or body without a declared schema; only shrinks (same rule). */
const REQUEST_BACKLOG = new Set<string>([
  'GET /api/applications/:name',
  'PATCH /api/applications/:name',
  'DELETE /api/applications/:name',
  'GET /api/switches/:name',
  'PATCH /api/switches/:name',
  'DELETE /api/switches/:name',
  'GET /api/switches/:sw/dns',
  'GET /api/switches/:sw/dns/:number',
  'POST /api/switches/:sw/dns',
  'PATCH /api/switches/:sw/dns/:number',
  'DELETE /api/switches/:sw/dns/:number',
  'GET /api/worker-channel/stream',
  'POST /api/worker-channel/report',
  'POST /api/worker-channel/answer',
  'POST /api/workers/:id/restart',
]);

interface Route {
  name: string;
  key: string;
  undeclaredArgs: string[];
  response: unknown;
}

/** Every route handler of every controller Nest knows (the module metadata; preview mode: no database). */
function routes(app: INestApplication): Route[] {
  const container = (app as unknown as { container: NestContainer }).container;
  const out: Route[] = [];
  for (const mod of container.getModules().values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: never[]) => object) | null;
      if (!ctrl) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      for (const method of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (verb === undefined || path === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctrl, method) ?? {}) as Record<
          string,
          { data?: unknown; pipes?: unknown[] }
        >;
        const undeclaredArgs = Object.entries(args)
          .filter(([k]) => [RouteParamtypes.BODY, RouteParamtypes.QUERY, RouteParamtypes.PARAM].includes(Number(k.split(':')[0])))
          .filter(([, a]) => !(a.pipes ?? []).some((p) => p instanceof ZodPipe))
          .map(
            ([k, a]) =>
              `${RouteParamtypes[Number(k.split(':')[0])].toLowerCase()}${a.data ? ` '${typeof a.data === 'string' ? a.data : JSON.stringify(a.data)}'` : ''}`,
          );
        const name = `${RequestMethod[verb]} /api/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/');
        out.push({ name, key: `${ctrl.name}.${method}`, undeclaredArgs, response: Reflect.getMetadata(RESPONSE_SCHEMA, handler) });
      }
    }
  }
  return out;
}

describe('every route declares its request and response schemas (issue 18)', () => {
  let app: INestApplication;
  let all: Route[];
  beforeAll(async () => {
    const url = 'postgres://openapi@127.0.0.1:1/openapi';
    app = await NestFactory.create(AppModule.forRoot(loadEnv({ DATABASE_URL: url }, process.cwd()), { mode: 'external', url }), {
      preview: true,
      logger: false,
    });
    app.setGlobalPrefix('api');
    all = routes(app);
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  it('finds the routes', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('every body, query and path parameter a route reads goes through a declared zod schema (@ValidBody, @ValidQuery, @ValidParam)', () => {
    const bad = all
      .filter((r) => r.undeclaredArgs.length > 0 && !REQUEST_BACKLOG.has(r.name))
      .map((r) => `${r.name} (${r.key}): ${r.undeclaredArgs.join(', ')}`);
    expect(bad, 'declare these with @ValidBody/@ValidQuery/@ValidParam (common/validation.ts)').toEqual([]);
    const done = all.filter((r) => r.undeclaredArgs.length === 0 && REQUEST_BACKLOG.has(r.name)).map((r) => r.name);
    expect(done, 'these declare every argument now: remove them from REQUEST_BACKLOG').toEqual([]);
  });

  it('every route declares what it answers (@Returns, @ReturnsNothing, @ReturnsFile); the backlog only shrinks', () => {
    const missing = all.filter((r) => r.response === undefined && !RESPONSE_BACKLOG.has(r.name)).map((r) => `${r.name} (${r.key})`);
    expect(missing, 'declare the response (common/response-schemas.ts), then run  npm run gen:api').toEqual([]);
    const done = all.filter((r) => r.response !== undefined && RESPONSE_BACKLOG.has(r.name)).map((r) => r.name);
    expect(done, 'these declare a response now: remove them from RESPONSE_BACKLOG').toEqual([]);
  });

  it('the OpenAPI document builds without a database and names every declared schema', () => {
    const doc = openApiDocument(app);
    const refs = JSON.stringify(doc.paths).match(/#\/components\/schemas\/[A-Za-z0-9_]+/g) ?? [];
    for (const r of refs) expect(doc.components?.schemas, r).toHaveProperty(r.split('/').pop()!);
  });
});
