import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tlsProxyDocument } from '../helpers/config-fixtures.js';
import { sleep } from '../helpers/net.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { makeDatedIssuer, type DatedCertificate } from '../tls/certs.js';

/**
 * Certificates over the running product, real PostgreSQL and real files in TLS_MATERIAL_DIR, with certificates made
 * by openssl in the test: one valid 10 more days, one expired yesterday, a renewal valid 400 days. GET
 * /api/certificates for every role (no key material), the expiry alarms and their log lines (raised 30 days before
 * and at expiry, cleared by a renewal), and the dry run POST /api/certificates/check (the worker's own check).
 */
const DAY = 24 * 3600 * 1000;
type Item = {
  application: string;
  state: string;
  certificate: { subject: string; san: string[]; issuer: string; daysLeft: number; validity: string; notAfter: string } | null;
  chain: { status: string } | null;
  keyMatches: boolean | null;
  worker: { accepted: boolean; option?: string; reason?: string };
  sources: Record<string, string>;
  listener: boolean;
};
type Answer = {
  accepted: boolean;
  worker: { accepted: boolean; option?: string; reason?: string };
  save: { accepted: boolean; problems: { option: string; message: string }[] };
  state: string;
  keyMatches: boolean | null;
  chain: { status: string } | null;
};
type Alarm = { key: string; severity: string; eventName: string | null; eventId: number | null; reason: string; active: boolean };
type Line = { level: string; eventName?: string; event?: number; application?: string; daysLeft?: number; msg: string };

let product: Product;
let dir: string;
let admin: string;
let viewer: string;
let operator: string;
let soon: DatedCertificate;
let expired: DatedCertificate;
let renewed: DatedCertificate;
let caCert: string;

const json = (method: string, body: unknown) => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const pem = (f: string) => readFileSync(f, 'utf8');
const keyLine = (f: string) => pem(f).split('\n')[1]; // a line of base64 only the key holds
const list = async (token: string) => {
  const r = await product.api('/certificates', { token });
  expect(r.status, await r.clone().text()).toBe(200);
  return (await r.json()) as { expiryWarningDays: number; items: Item[] };
};
const activeAlarms = async () =>
  ((await (await product.api('/alarms?state=active', { token: admin })).json()) as { active: Alarm[] }).active;
const lines = (): Line[] =>
  product
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
/** The first truthy value of `fn` within `ms` (alarms follow the check that runs every second). */
async function eventually<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(200)) {
    const v = await fn();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}:\n${product.output().slice(-2000)}`);
}
const check = (token: string, body: unknown) => product.api('/certificates/check', { token, ...json('POST', body) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sipedge-certs-it-'));
  const issuer = makeDatedIssuer(dir);
  caCert = issuer.caCert;
  makeDatedIssuer(dir, 'other-ca');
  const now = Date.now();
  soon = issuer.issue('soon', { notBefore: new Date(now - DAY), notAfter: new Date(now + 10 * DAY), san: 'DNS:proxy.test,IP:127.0.0.1' });
  expired = issuer.issue('expired', { notBefore: new Date(now - 40 * DAY), notAfter: new Date(now - DAY) });
  renewed = issuer.issue('renewed', { notBefore: new Date(now - DAY), notAfter: new Date(now + 400 * DAY) });
  // The file the configuration names; the test replaces its content as an operator's renewal script would.
  copyFileSync(soon.cert, join(dir, 'live.pem'));
  copyFileSync(soon.key, join(dir, 'live.key'));
  product = await startProduct({
    DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'certificates'),
    TLS_MATERIAL_DIR: dir,
    CERTIFICATE_CHECK_INTERVAL_S: '1',
    LOG_LEVEL: 'info',
  });
  admin = await product.login();
  for (const [username, role] of [
    ['cert-viewer', 'viewer'],
    ['cert-operator', 'operator'],
  ] as const) {
    const u = await product.api('/users', { token: admin, ...json('POST', { username, password: 'Cert-user-pass-42', role }) });
    expect(u.status, await u.clone().text()).toBe(201);
  }
  viewer = await product.login('cert-viewer', 'Cert-user-pass-42');
  operator = await product.login('cert-operator', 'Cert-user-pass-42');
  await importYaml(product, admin, tlsProxyDocument({ certificate: 'live.pem', key: 'live.key', ca: 'dated-ca.pem' }));
}, 120_000);
afterAll(async () => {
  await product?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/certificates', () => {
  it('shows subject, SAN, issuer, validity, days left, chain and key match to a viewer, and no key material', async () => {
    const r = await product.api('/certificates', { token: viewer });
    const raw = await r.text();
    expect(r.status, raw).toBe(200);
    expect(raw).not.toContain('PRIVATE KEY');
    expect(raw).not.toContain(keyLine(soon.key));
    const body = JSON.parse(raw) as { expiryWarningDays: number; items: Item[] };
    expect(body.expiryWarningDays).toBe(30);
    expect(body.items).toHaveLength(1);
    const c = body.items[0];
    expect(c).toMatchObject({
      application: 'SIPProxy_1',
      state: 'expiring',
      keyMatches: true,
      listener: true,
      worker: { accepted: true },
      chain: { status: 'trusted' },
    });
    expect(c.sources).toEqual({ certificate: 'live.pem', 'certificate-key': 'secret', 'trusted-ca': 'dated-ca.pem' });
    expect(c.certificate).toMatchObject({ subject: 'CN=soon', issuer: 'CN=dated-ca', validity: 'expiring', daysLeft: 9 });
    expect(c.certificate!.san).toEqual(['DNS:proxy.test', 'IP Address:127.0.0.1']);
  });

  it('needs a session', async () => {
    expect((await product.api('/certificates')).status).toBe(401);
  });
});

describe('expiry alarms and log lines', () => {
  it('a certificate 10 days from expiry raises certificate-expiring (warning) and writes one line, with no catalogue id', async () => {
    const alarm = await eventually(
      async () => (await activeAlarms()).find((a) => a.key === 'certificate-expiring:SIPProxy_1'),
      15_000,
      'the expiring alarm',
    );
    expect(alarm).toMatchObject({ severity: 'warning', eventName: 'certificate-expiring', eventId: null, active: true });
    expect(alarm.reason).toMatch(/SIPProxy_1 \(CN=soon\) expires on .* \(9 day\(s\) left/);
    const l = lines().filter((x) => x.eventName === 'certificate-expiring');
    expect(l).toHaveLength(1); // checked every second, written once
    expect(l[0]).toMatchObject({ level: 'warn', application: 'SIPProxy_1', daysLeft: 9 });
    expect(l[0].event).toBeUndefined();
  });

  it('at expiry (the file replaced by an expired certificate) certificate-expired (critical) replaces it', async () => {
    copyFileSync(expired.cert, join(dir, 'live.pem'));
    copyFileSync(expired.key, join(dir, 'live.key'));
    const alarm = await eventually(
      async () => (await activeAlarms()).find((a) => a.key === 'certificate-expired:SIPProxy_1'),
      15_000,
      'the expired alarm',
    );
    expect(alarm).toMatchObject({ severity: 'critical', eventName: 'certificate-expired', eventId: null });
    await eventually(
      async () => !(await activeAlarms()).some((a) => a.key === 'certificate-expiring:SIPProxy_1'),
      10_000,
      'the expiring alarm cleared',
    );
    expect(lines().filter((x) => x.eventName === 'certificate-expired')).toMatchObject([{ level: 'error', application: 'SIPProxy_1' }]);
    const c = (await list(viewer)).items[0];
    expect(c).toMatchObject({ state: 'expired', certificate: { validity: 'expired', subject: 'CN=expired' } });
    expect(c.certificate!.daysLeft).toBeLessThan(0);
  });

  it('a renewed certificate configured clears the alarms and says so in the log', async () => {
    const doc = tlsProxyDocument({ certificate: 'renewed.pem', key: 'renewed.key', ca: 'dated-ca.pem' });
    await importYaml(product, admin, doc);
    await eventually(async () => !(await activeAlarms()).some((a) => a.key.startsWith('certificate-')), 15_000, 'the alarms cleared');
    expect(lines().some((x) => x.eventName === 'certificate-renewed' && x.application === 'SIPProxy_1')).toBe(true);
    const c = (await list(viewer)).items[0];
    expect(c).toMatchObject({ state: 'valid', keyMatches: true, certificate: { subject: 'CN=renewed', validity: 'valid' } });
    expect(c.certificate!.daysLeft).toBeGreaterThanOrEqual(399);
  });
});

describe('POST /api/certificates/check (dry run)', () => {
  it('viewers may not ask (it reads the stored key)', async () => {
    expect((await check(viewer, { application: 'SIPProxy_1', certificate: pem(soon.cert) })).status).toBe(403);
  });

  it('a good certificate with its key (inline PEM) is accepted by the worker check and the save rules; nothing is saved', async () => {
    const head = await (await product.api('/config/head', { token: admin })).json();
    const r = await check(operator, {
      application: 'SIPProxy_1',
      certificate: pem(soon.cert),
      'certificate-key': pem(soon.key),
      'trusted-ca': pem(caCert),
    });
    const raw = await r.text();
    expect(r.status, raw).toBe(200);
    expect(raw).not.toContain(keyLine(soon.key));
    expect(JSON.parse(raw)).toMatchObject({
      accepted: true,
      worker: { accepted: true },
      save: { accepted: true, problems: [] },
      state: 'expiring',
      keyMatches: true,
      chain: { status: 'trusted' },
    });
    expect(await (await product.api('/config/head', { token: admin })).json()).toEqual(head);
    expect(await (await product.api('/audit?pageSize=100', { token: admin })).text()).not.toContain('/certificates/check');
  });

  it("a certificate with someone else's key: the worker refuses it, naming certificate-key", async () => {
    const r = await check(admin, { application: 'SIPProxy_1', certificate: pem(soon.cert), 'certificate-key': pem(renewed.key) });
    const a = (await r.json()) as Answer;
    expect(r.status).toBe(200);
    expect(a).toMatchObject({
      accepted: false,
      worker: { accepted: false, option: 'certificate-key' },
      keyMatches: false,
      state: 'invalid',
    });
    expect(a.worker.reason).toMatch(/does not match certificate/);
  });

  it('the configured key is kept when none is given (a renewal with the same key is a path to the new file)', async () => {
    const r = await check(admin, { application: 'SIPProxy_1', certificate: 'soon.pem' });
    expect(((await r.json()) as Answer).worker).toMatchObject({ accepted: false, option: 'certificate-key' }); // renewed.key is configured
    const same = (await (await check(admin, { application: 'SIPProxy_1', certificate: 'renewed.pem' })).json()) as Answer;
    expect(same).toMatchObject({ accepted: true, keyMatches: true });
  });

  it('an expired certificate: the worker would load it, a save would refuse it', async () => {
    const a = (await (
      await check(admin, { application: 'SIPProxy_1', certificate: 'expired.pem', 'certificate-key': 'expired.key' })
    ).json()) as Answer;
    expect(a).toMatchObject({ accepted: false, worker: { accepted: true }, save: { accepted: false }, state: 'expired' });
    expect(a.save.problems.map((p) => p.message).join()).toMatch(/expired/);
  });

  it('a CA that did not issue it: chain untrusted', async () => {
    const a = (await (
      await check(admin, { application: 'SIPProxy_1', certificate: 'renewed.pem', 'trusted-ca': 'other-ca.pem' })
    ).json()) as Answer;
    expect(a.chain).toMatchObject({ status: 'untrusted' });
  });

  it('hostile input gets a 4xx naming the field, never a 500', async () => {
    const cases: [unknown, number][] = [
      [{ application: 'SIPProxy_1', certificate: '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n' }, 400],
      [{ application: 'SIPProxy_1', certificate: 'garbage that is no PEM and no file' }, 400],
      [{ application: 'SIPProxy_1', certificate: '../../../../etc/passwd' }, 400],
      [{ application: 'SIPProxy_1', certificate: '/dev/zero' }, 400],
      [{ application: 'SIPProxy_1', certificate: pem(soon.cert), 'certificate-key': 'not a key' }, 400],
      [
        { application: 'SIPProxy_1', certificate: pem(soon.cert), 'trusted-ca': '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----' },
        400,
      ],
      [{ application: 'SIPProxy_1', certificate: 42 }, 400],
      [{ application: ['SIPProxy_1'], certificate: 'renewed.pem' }, 400],
      [{ application: 'SIPProxy_1', certificate: 'renewed.pem', extra: 1 }, 400],
      [{ application: 'SIPProxy_1' }, 400],
      [{ application: 'SIPProxy_1', certificate: 'a\0b' }, 400],
      [{ application: 'SIPServer_A', certificate: 'renewed.pem' }, 400],
      [{ application: 'NoSuchApp', certificate: 'renewed.pem' }, 404],
      [[1, 2, 3], 400],
      [{ application: 'SIPProxy_1', certificate: 'x'.repeat(2 * 1024 * 1024) }, 413],
    ];
    for (const [body, status] of cases) {
      const r = await check(admin, body);
      const raw = await r.text();
      expect(r.status, `${JSON.stringify(body).slice(0, 120)}: ${raw.slice(0, 300)}`).toBe(status);
    }
    const notJson = await product.api('/certificates/check', {
      token: admin,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"application": ',
    });
    expect(notJson.status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('declares both routes with their response schemas', async () => {
    const doc = (await (await fetch(`${product.url}/api/docs-json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
            requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
          }
        >
      >;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(doc.paths['/api/certificates'].get.responses['200'].content!['application/json'].schema.$ref).toBe(
      '#/components/schemas/CertificateList',
    );
    const post = doc.paths['/api/certificates/check'].post;
    expect(post.requestBody!.content['application/json'].schema.$ref).toBe('#/components/schemas/CertificateCheckBody');
    expect(post.responses['200'].content!['application/json'].schema.$ref).toBe('#/components/schemas/CertificateCheckAnswer');
    expect(Object.keys(doc.components.schemas.CertificateCheckBody.properties!)).toEqual([
      'application',
      'certificate',
      'certificate-key',
      'trusted-ca',
    ]);
  });
});
