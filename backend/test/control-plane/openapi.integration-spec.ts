import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

// The OpenAPI document (/api/docs-json) is generated from the same zod declarations that validate requests: every
// route that reads a body references its declared schema, and query and path parameters carry their constraints.

interface Parameter {
  name: string;
  in: 'query' | 'path';
  required?: boolean;
  schema?: { type?: string; pattern?: string; format?: string; enum?: string[] };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
}

let product: Product;
let doc: OpenApi;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'openapi') });
  doc = (await (await fetch(`${product.url}/api/docs-json`)).json()) as OpenApi;
});
afterAll(async () => {
  await product?.stop();
});

const op = (path: string, method: string) => doc.paths[`/api${path}`][method];
const bodyRef = (path: string, method: string) => Object.values(op(path, method).requestBody!.content)[0].schema.$ref;
const param = (path: string, method: string, name: string) => op(path, method).parameters!.find((p) => p.name === name);

describe('request declarations in OpenAPI', () => {
  it('every operation that takes a body (every PATCH does) references a declared component', () => {
    const undeclared: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(ops)) {
        if (!o.requestBody) {
          if (method === 'patch') undeclared.push(`PATCH ${path}`);
          continue;
        }
        const refs = Object.values(o.requestBody.content).map((c) => c.schema.$ref);
        if (!refs.every((r) => r && doc.components.schemas[r.replace('#/components/schemas/', '')]))
          undeclared.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('applications, DNs, the trunk wizard and the configuration routes reference their bodies', () => {
    expect(bodyRef('/applications', 'post')).toBe('#/components/schemas/ApplicationCreateBody');
    expect(bodyRef('/applications/{name}', 'patch')).toBe('#/components/schemas/ApplicationPatchBody');
    expect(bodyRef('/switches/{sw}/dns', 'post')).toBe('#/components/schemas/DnCreateBody');
    expect(bodyRef('/switches/{sw}/dns/{number}', 'patch')).toBe('#/components/schemas/DnPatchBody');
    expect(bodyRef('/trunks/provision', 'post')).toBe('#/components/schemas/TrunkProvisionBody');
    expect(bodyRef('/sites', 'post')).toBe('#/components/schemas/SiteCreateBody');
    expect(bodyRef('/config/import', 'post')).toBe('#/components/schemas/YamlDocumentBody');
    const app = doc.components.schemas.ApplicationCreateBody;
    expect(app.required).toEqual(expect.arrayContaining(['name', 'type']));
    expect(Object.keys(app.properties!)).toEqual(expect.arrayContaining(['host', 'ports', 'backup', 'options']));
    expect(doc.components.schemas.TrunkProvisionBody.properties!.mode).toMatchObject({ enum: ['dns', 'per-server'] });
  });

  it('query and path parameters carry their constraints', () => {
    expect(param('/config/diff', 'get', 'from')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', pattern: expect.any(String) },
    });
    expect(param('/config/diff', 'get', 'to')).toMatchObject({ in: 'query', required: true });
    expect(param('/config/versions/{version}', 'get', 'version')).toMatchObject({ in: 'path', schema: { pattern: expect.any(String) } });
    expect(param('/alarms/{id}/acknowledge', 'post', 'id')).toMatchObject({ in: 'path', schema: { format: 'uuid' } });
    expect(param('/workers/tokens/{id}', 'delete', 'id')).toMatchObject({ in: 'path', schema: { format: 'uuid' } });
    expect(param('/alarms', 'get', 'state')).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: ['active', 'history', 'all'] },
    });
    expect(param('/applications', 'get', 'pageSize')).toMatchObject({ in: 'query', required: false });
    expect(param('/applications/{name}', 'delete', 'revision')).toMatchObject({ in: 'query', required: false });
    expect(param('/config/export', 'get', 'secrets')).toMatchObject({ schema: { enum: ['include', 'mask'] } });
  });
});
