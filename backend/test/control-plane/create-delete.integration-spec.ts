import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, importYaml, startProduct, type Product } from '../helpers/product.js';
import { sleep } from '../helpers/net.js';

// Creating and deleting applications and switches, as the UI does it: one validated, versioned commit each, a dry
// run first, the object's revision on delete, and the validation error when something still references the object.

let product: Product;
let admin: string;
let viewer: string;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type ErrorBody = {
  code: string;
  errors?: { path: string; code: string; message: string; object?: { kind: string; name: string }; field?: string }[];
};
type Commit = { version: number; committed: boolean; dryRun: boolean; changes: { op: string; object: string; name: string }[] };

const head = async () => ((await (await product.api('/config/head', { token: admin })).json()) as { version: number }).version;
const revisionOf = async (path: string) => ((await (await product.api(path, { token: admin })).json()) as { revision: number }).revision;

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'crud') });
  admin = await product.login();
  await product.api('/users', { method: 'POST', token: admin, ...json({ username: 'viewer', password: 'password-123', role: 'viewer' }) });
  viewer = await product.login('viewer', 'password-123');
  await importYaml(product, admin, exampleYaml());
});
afterAll(async () => {
  await product?.stop();
});

const serverC = {
  name: 'SIPServer_C',
  type: 'sip-server',
  host: '127.0.0.1',
  ports: { 'sip-port': 5270 },
  backup: 'SIPServer_C_backup',
  options: {},
};
const serverCBackup = { name: 'SIPServer_C_backup', type: 'sip-server', host: '127.0.0.2', ports: { 'sip-port': 5270 }, options: {} };

describe('applications', () => {
  it('a dry-run create shows the added application and saves nothing; the create is one new version', async () => {
    const before = await head();
    const dry = await product.api('/applications?dryRun=true', { method: 'POST', token: admin, ...json(serverCBackup) });
    expect(dry.status).toBe(201);
    expect((await dry.json()) as Commit).toMatchObject({
      committed: false,
      dryRun: true,
      changes: [{ op: 'add', object: 'application', name: 'SIPServer_C_backup' }],
    });
    expect(await head()).toBe(before);
    const created = (await (await product.api('/applications', { method: 'POST', token: admin, ...json(serverCBackup) })).json()) as Commit;
    expect(created).toMatchObject({ version: before + 1, committed: true });
    expect((await product.api('/applications/SIPServer_C_backup', { token: viewer })).status).toBe(200);
  });

  it('a SIP Server naming a backup that does not exist is refused on its backup field', async () => {
    const r = await product.api('/applications', { method: 'POST', token: admin, ...json({ ...serverC, backup: 'NoSuchServer' }) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.code).toBe('CONFIG_INVALID');
    expect(body.errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'application', name: 'SIPServer_C' }, field: 'backup', code: 'unknown-reference' }),
    );
  });

  it('a second application of the same name is 409, a missing sip-port is refused on its field', async () => {
    const dup = await product.api('/applications', { method: 'POST', token: admin, ...json(serverCBackup) });
    expect(dup.status).toBe(409);
    const r = await product.api('/applications', {
      method: 'POST',
      token: admin,
      ...json({ ...serverC, name: 'SIPServer_D', backup: undefined, ports: {} }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'application', name: 'SIPServer_D' }, field: 'ports.sip-port', code: 'required' }),
    );
  });

  it('creates the primary of the pair; deleting its backup is refused naming the primary, and a viewer may not create', async () => {
    expect((await product.api('/applications', { method: 'POST', token: admin, ...json(serverC) })).status).toBe(201);
    const before = await head();
    const rev = await revisionOf('/applications/SIPServer_C_backup');
    const dry = await product.api(`/applications/SIPServer_C_backup?revision=${rev}&dryRun=true`, { method: 'DELETE', token: admin });
    expect(dry.status).toBe(400);
    const r = await product.api(`/applications/SIPServer_C_backup?revision=${rev}`, { method: 'DELETE', token: admin });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.errors).toContainEqual(expect.objectContaining({ object: { kind: 'application', name: 'SIPServer_C' }, field: 'backup' }));
    expect(await head()).toBe(before);
    expect((await product.api('/applications', { method: 'POST', token: viewer, ...json({ ...serverC, name: 'X' }) })).status).toBe(403);
  });

  it('a delete with a stale revision is 409; with the current one the application is gone in one new version', async () => {
    const rev = await revisionOf('/applications/SIPServer_C');
    expect((await product.api(`/applications/SIPServer_C?revision=${rev + 5}`, { method: 'DELETE', token: admin })).status).toBe(409);
    const before = await head();
    const dry = (await (
      await product.api(`/applications/SIPServer_C?revision=${rev}&dryRun=true`, { method: 'DELETE', token: admin })
    ).json()) as Commit;
    expect(dry).toMatchObject({ committed: false, dryRun: true, changes: [{ op: 'remove', object: 'application', name: 'SIPServer_C' }] });
    expect(await head()).toBe(before);
    const del = await product.api(`/applications/SIPServer_C?revision=${rev}`, { method: 'DELETE', token: admin });
    expect(del.status).toBe(200);
    expect(((await del.json()) as Commit).version).toBe(before + 1);
    expect((await product.api('/applications/SIPServer_C', { token: admin })).status).toBe(404);
    expect((await product.api('/applications/SIPServer_C_backup', { method: 'DELETE', token: admin })).status).toBe(200);
  });

  it('creates a SIP Proxy for a site with the required sipproxy options, and deletes it', async () => {
    const proxy = {
      name: 'SIPProxy_3',
      type: 'sip-proxy',
      host: '127.0.0.1',
      ports: { 'sip-port': 5160, 'http-port': 8093 },
      options: { sipproxy: { 'sipproxy-role': 10, applications: 'SIPServer_A,SIPServer_B', 'servicing-sipserver': 'SIPServer_B' } },
    };
    // Same host and sip-port as SIPProxy_2: refused on the port.
    const clash = await product.api('/applications', { method: 'POST', token: admin, ...json(proxy) });
    expect(clash.status).toBe(400);
    expect(((await clash.json()) as ErrorBody).errors).toContainEqual(expect.objectContaining({ code: 'port-conflict' }));
    const ok = await product.api('/applications', { method: 'POST', token: admin, ...json({ ...proxy, host: '127.0.0.3' }) });
    expect(ok.status).toBe(201);
    const token = (await (
      await product.api('/workers/tokens', { method: 'POST', token: admin, ...json({ app: 'SIPProxy_3' }) })
    ).json()) as { id: string };
    const live = async () =>
      ((await (await product.api('/workers/tokens', { token: admin })).json()) as { id: string }[]).some((t) => t.id === token.id);
    expect(await live()).toBe(true);
    const rev = await revisionOf('/applications/SIPProxy_3');
    expect((await product.api(`/applications/SIPProxy_3?revision=${rev}`, { method: 'DELETE', token: admin })).status).toBe(200);
    // The deleted proxy's remote worker token goes with it (revoked when the change reaches the workers module).
    for (let i = 0; i < 100 && (await live()); i++) await sleep(100);
    expect(await live()).toBe(false);
  });
});

describe('switches', () => {
  it('creates an empty switch served by a primary, refuses one served by a backup', async () => {
    const before = await head();
    const dry = (await (
      await product.api('/switches?dryRun=true', { method: 'POST', token: admin, ...json({ name: 'SiteC', sipServer: 'SIPServer_A' }) })
    ).json()) as Commit;
    expect(dry).toMatchObject({ dryRun: true, committed: false, changes: [{ op: 'add', object: 'switch', name: 'SiteC' }] });
    expect(
      (await product.api('/switches', { method: 'POST', token: admin, ...json({ name: 'SiteC', sipServer: 'SIPServer_A' }) })).status,
    ).toBe(201);
    expect(await head()).toBe(before + 1);
    const bad = await product.api('/switches', {
      method: 'POST',
      token: admin,
      ...json({ name: 'SiteD', sipServer: 'SIPServer_A_backup' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'switch', name: 'SiteD' }, field: 'sip-server', code: 'not-a-primary' }),
    );
  });

  it('deleting the SIP Server a switch names is refused on that switch', async () => {
    const rev = await revisionOf('/applications/SIPServer_B');
    const r = await product.api(`/applications/SIPServer_B?revision=${rev}`, { method: 'DELETE', token: admin });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'switch', name: 'SiteB' }, field: 'sip-server' }),
    );
  });

  it('deleting a site that other sites trunk to is refused naming those trunks; an unreferenced switch is deleted', async () => {
    const rev = await revisionOf('/switches/SiteB');
    const r = await product.api(`/switches/SiteB?revision=${rev}&dryRun=true`, { method: 'DELETE', token: admin });
    expect(r.status).toBe(400);
    const errors = ((await r.json()) as ErrorBody).errors!;
    expect(errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'dn', name: 'SiteA/to-site-b' }, code: 'peer-proxy-contact-mismatch' }),
    );
    // SIPProxy_2 serves SiteB's pair: with no switch describing its pool it is refused too.
    expect(errors).toContainEqual(
      expect.objectContaining({ object: { kind: 'application', name: 'SIPProxy_2' }, code: 'pool-not-described' }),
    );
    const c = await revisionOf('/switches/SiteC');
    expect((await product.api(`/switches/SiteC?revision=${c + 1}`, { method: 'DELETE', token: admin })).status).toBe(409);
    const before = await head();
    const del = await product.api(`/switches/SiteC?revision=${c}`, { method: 'DELETE', token: admin });
    expect(del.status).toBe(200);
    expect(await head()).toBe(before + 1);
    expect((await product.api('/switches/SiteC', { token: admin })).status).toBe(404);
  });
});
