import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';

// Hostile names in configuration requests over the running product: each is a 400 naming the field (or a 409 for a
// case-variant duplicate), never a 500 and never stored.

let product: Product;
let admin: string;
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = { code: string; errors?: { path: string; message: string }[] };

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'hostile') });
  admin = await product.login();
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

describe('switch names and fields', () => {
  it('NUL, CR/LF, bidi override, "/", over-long and wrong types are each a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'a\u0000b' }, 'name'],
      [{ name: 'a\r\nb' }, 'name'],
      [{ name: 'evil\u202Etxt' }, 'name'],
      [{ name: 'a/b' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: ['S'] }, 'name'],
      [{ name: 'S1', sipServer: 'x\r\nInjected: 1' }, 'sipServer'],
      [{ name: 'S1', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await product.api('/switches', { method: 'POST', token: admin, ...json(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(
        ((await r.json()) as ErrorBody).errors!.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(field);
    }
    const names = ((await (await product.api('/switches', { token: admin })).json()) as { name: string }[]).map((s) => s.name);
    expect(names.some((n) => n !== 'SiteA' && n !== 'SiteB' && n.startsWith('Site') === false)).toBe(false);
  });

  it('a name differing only in case from an existing switch is a 409', async () => {
    const r = await product.api('/switches', { method: 'POST', token: admin, ...json({ name: 'sitea', sipServer: 'SIPServer_A' }) });
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toMatch(/differ only in case/);
  });
});

describe('application, DN and trunk fields', () => {
  const server = { name: 'SIPServer_H', type: 'sip-server', host: '127.0.0.40', ports: { 'sip-port': 25170 }, options: {} };
  const paths = async (r: Response) => ((await r.json()) as ErrorBody).errors?.map((e) => e.path) ?? [];

  it('a host with CR/LF, NUL, a tab or spaces is a 400 naming host, on create and on edit, and nothing is stored', async () => {
    for (const host of ['h.example\r\nInjected: 1', 'h\u0000.example', 'two words', 'a\tb', 'evil\u202Etxt']) {
      const created = await product.api('/applications', { method: 'POST', token: admin, ...json({ ...server, host }) });
      expect(created.status, JSON.stringify(host)).toBe(400);
      expect(await paths(created), JSON.stringify(host)).toContain('host');
      const edited = await product.api('/applications/SIPProxy_1', { method: 'PATCH', token: admin, ...json({ host }) });
      expect(edited.status, JSON.stringify(host)).toBe(400);
      expect(await paths(edited), JSON.stringify(host)).toContain('host');
    }
    expect((await product.api('/applications/SIPServer_H', { token: admin })).status).toBe(404);
    expect(((await (await product.api('/applications/SIPProxy_1', { token: admin })).json()) as { host: string }).host).toBe('127.0.0.1');
  });

  it('other application fields of the wrong shape are a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...server, name: 'a\u0000b' }, 'name'],
      [{ ...server, name: 'a/b' }, 'name'],
      [{ ...server, type: ['sip-server'] }, 'type'],
      [{ ...server, ports: { 'sip-port': '5060' } }, 'ports.sip-port'],
      [{ ...server, ports: [5060] }, 'ports'],
      [{ ...server, backup: 'B\r\nX' }, 'backup'],
      [{ ...server, options: { TServer: 'x' } }, 'options.TServer'],
      [{ ...server, options: { TServer: { 'sip-port': { a: 1 } } } }, 'options.TServer.sip-port'],
      [{ ...server, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await product.api('/applications', { method: 'POST', token: admin, ...json(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(await paths(r), JSON.stringify(body)).toContain(field);
    }
    const patched = await product.api('/applications/SIPProxy_1', { method: 'PATCH', token: admin, ...json({ revision: 'latest' }) });
    expect(patched.status).toBe(400);
    expect(await paths(patched)).toContain('revision');
  });

  it('an imported document with such a host is refused too (CONFIG_INVALID naming applications[i].host), nothing stored', async () => {
    const before = ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;
    for (const host of ['h.example\r\nInjected: 1', 'h\u0000x', 'two words']) {
      const doc = exampleDocument();
      doc.applications[1].host = host;
      const r = await product.api('/config/import', {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/yaml' },
        body: toYaml(doc),
      });
      expect(r.status, JSON.stringify(host)).toBe(400);
      const body = (await r.json()) as ErrorBody;
      expect(body.code).toBe('CONFIG_INVALID');
      expect(
        body.errors!.map((e) => e.path),
        JSON.stringify(host),
      ).toContain('applications[1].host');
    }
    expect(((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version).toBe(before);
  });

  it('an imported document with such names is refused naming each (switch, application, DN number), nothing stored', async () => {
    const before = ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;
    for (const bad of ['A\r\nB', 'A\u0000B', 'evil\u202Etxt', 'a/b', 'N'.repeat(200)]) {
      const doc = exampleDocument();
      doc.switches[1].name = bad;
      doc.switches[0].dns.find((d) => d.number === '1001')!.number = bad;
      doc.applications.push({ ...structuredClone(doc.applications[0]), name: bad, backup: undefined, host: '127.0.0.77' });
      const r = await product.api('/config/import', {
        method: 'POST',
        token: admin,
        headers: { 'content-type': 'application/yaml' },
        body: toYaml(doc),
      });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      const paths = ((await r.json()) as ErrorBody).errors!.map((e) => e.path);
      const dn = doc.switches[0].dns.findIndex((d) => d.number === bad);
      expect(paths, JSON.stringify(bad)).toEqual(
        expect.arrayContaining(['switches[1].name', `switches[0].dns[${dn}].number`, `applications[${doc.applications.length - 1}].name`]),
      );
    }
    expect(((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version).toBe(before);
  });

  it('a DN number or type with CR/LF or NUL, or a number with /, is a 400 naming it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ number: '10\r\n01', type: 'extension' }, 'number'],
      [{ number: '10\u000001', type: 'extension' }, 'number'],
      [{ number: '10/01', type: 'extension' }, 'number'],
      [{ number: '1099', type: 'extension\r\nX' }, 'type'],
      [{ number: '1099', type: 'extension', options: { TServer: { contact: { host: 'x' } } } }, 'options.TServer.contact'],
    ];
    for (const [body, field] of cases) {
      const r = await product.api('/switches/SiteA/dns', { method: 'POST', token: admin, ...json(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(await paths(r), JSON.stringify(body)).toContain(field);
    }
  });

  it('a DN contact option with CR/LF is refused naming contact', async () => {
    const r = await product.api('/switches/SiteA/dns/1001', {
      method: 'PATCH',
      token: admin,
      ...json({ options: { TServer: { contact: '127.0.0.5:5060\r\nVia: evil' } } }),
    });
    expect(r.status).toBe(400);
    expect((await paths(r)).some((p) => p.endsWith('contact'))).toBe(true);
  });

  it('the trunk wizard refuses a contact with CR/LF, a mode it does not know and a non-integer oosCheck, naming each', async () => {
    const base = { switch: 'SiteA', remoteSwitch: 'SiteB', mode: 'dns', contact: 'siteb.example.com' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, contact: 'siteb.example.com\r\nVia: evil' }, 'contact'],
      [{ ...base, contact: 'a b' }, 'contact'],
      [{ ...base, mode: 'carrier-pigeon' }, 'mode'],
      [{ ...base, oosCheck: 1.5 }, 'oosCheck'],
      [{ ...base, switch: undefined }, 'switch'],
      [{ ...base, tls: 'yes' }, 'tls'],
    ];
    for (const [body, field] of cases) {
      const r = await product.api('/trunks/provision?dryRun=true', { method: 'POST', token: admin, ...json(body) });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(await paths(r), JSON.stringify(body)).toContain(field);
    }
  });
});

describe('live-event streams (/api/events)', () => {
  /** Reads a stream to its end; resolves when the server closes it. */
  const drain = async (r: Response) => {
    const reader = r.body!.getReader();
    while (!(await reader.read()).done) {
      /* keep reading */
    }
  };

  it('a session may hold 4 streams; the 5th is a 429 EVENT_STREAMS_LIMIT; every stream ends at logout', async () => {
    const token = await product.login();
    const aborter = new AbortController();
    const open: Response[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await product.api('/events', { token, signal: aborter.signal });
      expect(r.status).toBe(200);
      open.push(r);
    }
    const fifth = await product.api('/events', { token });
    expect(fifth.status).toBe(429);
    expect(((await fifth.json()) as ErrorBody).code).toBe('EVENT_STREAMS_LIMIT');
    // Another session is not limited by this one's streams.
    const other = await product.api('/events', { token: admin, signal: aborter.signal });
    expect(other.status).toBe(200);
    const ended = Promise.all(open.map(drain));
    expect((await product.api('/auth/logout', { method: 'POST', token })).status).toBeLessThan(300);
    await ended; // the server closed all four (the test's own timeout fails it otherwise)
    aborter.abort();
  }, 30_000);

  it('a password change ends the streams of the sessions it ends', async () => {
    const created = await product.api('/users', {
      method: 'POST',
      token: admin,
      ...json({ username: 'streamer', password: 'Stream-pass-0192', role: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const token = await product.login('streamer', 'Stream-pass-0192');
    const r = await product.api('/events', { token });
    expect(r.status).toBe(200);
    const ended = drain(r);
    expect((await product.api(`/users/${id}`, { method: 'PATCH', token: admin, ...json({ password: 'Other-pass-8273' }) })).status).toBe(
      200,
    );
    await ended;
  }, 30_000);
});

describe('[log] file outputs', () => {
  it("a path outside the worker's log directory is a 400 naming the option, and nothing is stored", async () => {
    const latest = async () =>
      Math.max(
        ...((await (await product.api('/config/versions', { token: admin })).json()) as { items: { version: number }[] }).items.map(
          (v) => v.version,
        ),
      );
    const before = await latest();
    for (const value of ['/etc/cron.d/sipedge', '../../../root/.profile', 'stdout,/proc/sysrq-trigger', 'logs/x.log', '.hidden']) {
      const r = await product.api('/applications/SIPProxy_1', {
        method: 'PATCH',
        token: admin,
        ...json({ options: { log: { all: value } } }),
      });
      expect(r.status, value).toBe(400);
      const body = JSON.stringify(await r.json());
      expect(body, value).toMatch(/log\.all/);
      expect(body, value).toMatch(/log directory/);
    }
    const ok = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: admin,
      ...json({ options: { log: { all: 'stdout, sipproxy-all.log' } } }),
    });
    expect(ok.status).toBe(200);
    expect(await latest()).toBe(before + 1);
  });
});
