import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConfigDocument } from '../../src/contracts/config-document.js';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

/**
 * The guide's prose rules (docs/config-format.md, "Rules"), through the running product's import: each broken rule is
 * refused (400, nothing written) with an error naming its path, the reason, and its YAML line. Each case was
 * accepted (200) by the product before these rules existed.
 */
let product: Product;
let admin: string;

type ImportError = { path: string; code: string; message: string; line?: number; column?: number };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'proserules') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
}, 120_000);
afterAll(async () => {
  await product?.stop();
});

const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;

async function refused(mutate: (doc: ConfigDocument) => void, path: string, code: string, reason: RegExp): Promise<void> {
  const doc = exampleDocument();
  mutate(doc);
  const before = await head();
  const r = await product.api('/config/import', {
    method: 'POST',
    token: admin,
    headers: { 'content-type': 'application/yaml' },
    body: toYaml(doc),
  });
  const text = await r.text();
  expect(r.status, text).toBe(400);
  const errors = (JSON.parse(text) as { errors: ImportError[] }).errors;
  const e = errors.find((x) => x.path === path && x.code === code);
  expect(e, `${path} ${code} in ${text}`).toBeDefined();
  expect(e!.message).toMatch(reason);
  expect(e!.line).toBeGreaterThan(0);
  expect(await head()).toBe(before);
}

type TS = Record<string, string | number | boolean>;
const ts = (doc: ConfigDocument, s: number, d: number): TS => doc.switches[s].dns[d].options.TServer;

describe('import refuses what the guide forbids in prose', () => {
  it('an HA pair with one server', async () => {
    await refused(
      (doc) => {
        delete doc.applications[2].backup;
      },
      'applications[2].backup',
      'ha-pair-incomplete',
      /names no backup/,
    );
  });

  it('a request-uri without port or transport', async () => {
    await refused(
      (doc) => {
        ts(doc, 0, 2)['request-uri'] = 'sip:1001@127.0.0.1';
      },
      'switches[0].dns[2].options.TServer.request-uri',
      'request-uri-incomplete',
      /without port and transport/,
    );
  });

  it('a trunk that says udp toward a site using TLS internally (P18)', async () => {
    await refused(
      (doc) => {
        // SiteA uses TLS between its SIP Servers and proxies; SiteB's trunks to it keep the default udp
        ts(doc, 0, 0).contact = 'proxy.site-a.example;transport=tls';
        doc.applications[0].ports['tls-port'] = 5071;
        doc.applications[1].ports['tls-port'] = 5071;
      },
      'switches[1].dns[1].options.TServer.peer-proxy-protocol',
      'peer-proxy-tls',
      /use TLS internally/,
    );
  });

  it('a Business Continuity deployment with per-server trunks', async () => {
    await refused(
      (doc) => {
        doc.applications[0].options.TServer = { 'business-continuity': true };
      },
      'switches[1].dns[1].options.TServer.contact',
      'dns-resolution-required',
      /Business Continuity deployment, which must use DNS resolution/,
    );
  });

  it('a switch with DNs and no proxy serving it', async () => {
    await refused(
      (doc) => {
        doc.applications.splice(5, 1);
        doc.applications[4].options.sipproxy.applications = 'SIPServer_A,SIPServer_B';
      },
      'switches[1].sip-server',
      'no-proxy-serving',
      /no SIP Proxy serves it/,
    );
  });

  it('the schema lists business-continuity as a product extension of the sip-server', async () => {
    const r = await product.api('/options/schema', { token: admin });
    const { options } = (await r.json()) as { options: { name: string; objects: string[]; extension: boolean }[] };
    expect(options.find((o) => o.name === 'business-continuity')).toMatchObject({ objects: ['sip-server'], extension: true });
  });
});
