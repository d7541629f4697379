import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseConfigDocument, type ConfigDocument } from '../../src/contracts/config-document.js';
import { exampleDocument, exampleYaml, toYaml } from '../helpers/config-fixtures.js';
import { freshDatabase, startProduct, type Product } from '../helpers/product.js';

let product: Product;
let admin: string;
let operator: string;
let viewer: string;

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const yaml = (text: string) => ({ headers: { 'content-type': 'application/yaml' }, body: text });
const exportYaml = async () => (await product.api('/config/export', { token: admin })).text();
type ErrorBody = {
  code: string;
  message: string;
  errors?: { path: string; code: string; message: string; object?: { kind: string; name: string }; field?: string }[];
};

beforeAll(async () => {
  product = await startProduct({ DATABASE_URL: await freshDatabase(inject('postgresAdminUrl'), 'cfg') });
  admin = await product.login();
  for (const role of ['operator', 'viewer']) {
    await product.api('/users', { method: 'POST', token: admin, ...json({ username: role, password: 'password-123', role }) });
  }
  operator = await product.login('operator', 'password-123');
  viewer = await product.login('viewer', 'password-123');
});
afterAll(async () => {
  await product?.stop();
});

describe('import and export', () => {
  it('imports the example document as version 1, and export then import is the identity', async () => {
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(exampleYaml()) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { version: number; committed: boolean };
    expect(body).toMatchObject({ version: 1, committed: true });
    const exported = await exportYaml();
    expect(parseConfigDocument(exported).doc).toEqual(exampleDocument());
    const again = (await (await product.api('/config/import', { method: 'POST', token: admin, ...yaml(exported) })).json()) as {
      version: number;
      committed: boolean;
    };
    expect(again).toMatchObject({ version: 1, committed: false });
    expect(await exportYaml()).toBe(exported);
  });

  it('refuses a document with errors whole, naming every error with its path, and changes nothing', async () => {
    const before = await exportYaml();
    const doc = exampleDocument();
    doc.applications.find((a) => a.name === 'SIPProxy_1')!.options.sipproxy['oos-check'] = 99999;
    doc.switches[0].dns[0].options.TServer['bogus-option'] = 1;
    doc.switches.push({ name: 'SiteC', sipServer: 'NoSuchServer', dns: [] });
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(toYaml(doc)) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.code).toBe('CONFIG_INVALID');
    const paths = body.errors!.map((e) => e.path);
    expect(paths).toContain('applications[4].options.sipproxy.oos-check');
    expect(paths).toContain('switches[0].dns[0].options.TServer.bogus-option');
    expect(paths.some((p) => p.startsWith('switches[2]'))).toBe(true);
    expect(body.errors!.find((e) => e.path === 'applications[4].options.sipproxy.oos-check')).toMatchObject({
      object: { kind: 'application', name: 'SIPProxy_1' },
      field: 'options.sipproxy.oos-check',
    });
    expect(await exportYaml()).toBe(before);
  });

  it('refuses YAML that does not parse, with the line', async () => {
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml('version: 1\napplications: [\n  - name: x\n') });
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).errors![0].message).toMatch(/line/i);
  });
});

/** Each rule the guide states in prose, broken one at a time: the import is refused with that rule's error. */
const RULES: { rule: string; code: string; mutate: (d: ConfigDocument) => void }[] = [
  {
    rule: "a trunk's peer-proxy-contact matches the remote site's external-contact",
    code: 'peer-proxy-contact-mismatch',
    mutate: (d) => {
      d.switches[0].dns[1].options.TServer['peer-proxy-contact'] = 'elsewhere.example:5060';
    },
  },
  {
    rule: "sip-port-tls equals the proxy's tls-port",
    code: 'tls-port-mismatch',
    mutate: (d) => {
      d.switches[0].dns[0].options.TServer['sip-port-tls'] = 5999;
    },
  },
  {
    rule: 'both servers of an HA pair have the same sip-port',
    code: 'ha-sip-port-mismatch',
    mutate: (d) => {
      d.applications[1].ports['sip-port'] = 5071;
    },
  },
  {
    rule: 'oos-check present on the VoIP Service DN',
    code: 'required',
    mutate: (d) => {
      delete d.switches[0].dns[0].options.TServer['oos-check'];
    },
  },
  {
    rule: 'oos-force present on a multi-site trunk',
    code: 'required',
    mutate: (d) => {
      delete d.switches[0].dns[1].options.TServer['oos-force'];
    },
  },
  {
    rule: 'one sip-outbound-proxy VoIP Service DN per switch',
    code: 'outbound-proxy-dn-count',
    mutate: (d) => {
      d.switches[0].dns.push({
        number: 'second-pool',
        type: 'voip-service',
        options: { TServer: { ...d.switches[0].dns[0].options.TServer } },
      });
    },
  },
  {
    rule: ';transport=tls contact needs a TLS port on the serving proxies',
    code: 'tls-port-required',
    mutate: (d) => {
      d.switches[1].dns.push({ number: '2001', type: 'extension', options: { TServer: { contact: '127.0.0.1:5093;transport=tls' } } });
    },
  },
  {
    rule: ';transport=tls trunk contact needs peer-proxy-protocol tls and peer-proxy-port-tls',
    code: 'peer-proxy-tls',
    mutate: (d) => {
      d.switches[0].dns[1].options.TServer.contact = 'sipserver.site-b.example;transport=tls';
    },
  },
  {
    rule: 'servicing-sipserver is one of applications',
    code: 'unknown-reference',
    mutate: (d) => {
      d.applications[4].options.sipproxy['servicing-sipserver'] = 'SIPServer_Z';
    },
  },
  {
    rule: 'TLS needs a certificate and key that load and match',
    code: 'tls-material',
    mutate: (d) => {
      d.applications[4].options.security['certificate-key'] = d.applications[4].options.security['trusted-ca']!;
    },
  },
  {
    rule: 'TLS without TCP is refused',
    code: 'tls-without-tcp',
    mutate: (d) => {
      delete d.applications[4].ports['sip-port'];
    },
  },
  {
    rule: 'sipproxy-role 0 is refused',
    code: 'unsupported-role',
    mutate: (d) => {
      d.applications[4].options.sipproxy['sipproxy-role'] = 0;
    },
  },
  {
    rule: 'every proxy of a pool has the same TLS port',
    code: 'pool-tls-port-mismatch',
    mutate: (d) => {
      d.applications.push({
        ...structuredClone(d.applications[4]),
        name: 'SIPProxy_1b',
        ports: { 'sip-port': 5060, 'http-port': 8093, 'tls-port': 5062 },
      });
    },
  },
];

describe('cross-object rules through the API', () => {
  for (const r of RULES) {
    it(`refuses: ${r.rule}`, async () => {
      const doc = exampleDocument();
      r.mutate(doc);
      // A viewer's validation opens no file, so the rule about certificate files is checked as an admin.
      const res = await product.api('/config/validate', {
        method: 'POST',
        token: r.code === 'tls-material' ? admin : viewer,
        ...yaml(toYaml(doc)),
      });
      const body = (await res.json()) as { valid: boolean; errors: { code: string; message: string }[] };
      expect(body.valid, JSON.stringify(body.errors)).toBe(false);
      expect(
        body.errors.map((e) => e.code),
        JSON.stringify(body.errors),
      ).toContain(r.code);
      const imp = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(toYaml(doc)) });
      expect(imp.status).toBe(400);
    });
  }
  it('accepts the valid example', async () => {
    const res = await product.api('/config/validate', { method: 'POST', token: viewer, ...yaml(exampleYaml()) });
    expect(((await res.json()) as { valid: boolean }).valid).toBe(true);
  });
});

describe('editing objects', () => {
  it('edits an option, with a diff preview, a stale revision gets 409 and changes nothing', async () => {
    const dn = (await (await product.api('/switches/SiteA/dns/sipproxy-pool', { token: operator })).json()) as { revision: number };
    const preview = await product.api('/switches/SiteA/dns/sipproxy-pool?dryRun=true', {
      method: 'PATCH',
      token: operator,
      ...json({ revision: dn.revision, options: { TServer: { 'oos-check': 7 } } }),
    });
    expect((await preview.json()) as { committed: boolean; changes: unknown[] }).toMatchObject({
      committed: false,
      changes: [{ op: 'change', object: 'dn', name: 'SiteA/sipproxy-pool', field: 'options.TServer.oos-check', before: 5, after: 7 }],
    });
    const ok = await product.api('/switches/SiteA/dns/sipproxy-pool', {
      method: 'PATCH',
      token: operator,
      ...json({ revision: dn.revision, options: { TServer: { 'oos-check': 7 } } }),
    });
    expect(ok.status).toBe(200);
    const version = ((await ok.json()) as { version: number }).version;
    const before = await exportYaml();
    const stale = await product.api('/switches/SiteA/dns/sipproxy-pool', {
      method: 'PATCH',
      token: operator,
      ...json({ revision: dn.revision, options: { TServer: { 'oos-check': 9 } } }),
    });
    expect(stale.status).toBe(409);
    expect(await exportYaml()).toBe(before);
    expect(((await (await product.api('/config/head', { token: viewer })).json()) as { version: number }).version).toBe(version);
  });

  it('refuses an invalid value with an error on the field, and saves nothing', async () => {
    const before = await exportYaml();
    const r = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: operator,
      ...json({ options: { sipproxy: { 'oos-check': 'often' } } }),
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as ErrorBody;
    expect(body.errors![0]).toMatchObject({ object: { kind: 'application', name: 'SIPProxy_1' }, field: 'options.sipproxy.oos-check' });
    expect(await exportYaml()).toBe(before);
  });

  it('accepts the other spelling of an option and stores it as one', async () => {
    const r = await product.api('/applications/SIPProxy_2', {
      method: 'PATCH',
      token: operator,
      ...json({ options: { sipproxy: { 'serving-sipserver': 'SIPServer_B' } } }),
    });
    expect(r.status).toBe(200);
    const app = (await (await product.api('/applications/SIPProxy_2', { token: viewer })).json()) as {
      options: { sipproxy: Record<string, unknown> };
    };
    expect(app.options.sipproxy['servicing-sipserver']).toBe('SIPServer_B');
    expect(app.options.sipproxy).not.toHaveProperty('serving-sipserver');
  });

  it('lists DNs paged, sorted and filtered', async () => {
    const r = (await (await product.api('/dns?switch=SiteA&pageSize=2&sort=number&order=desc', { token: viewer })).json()) as {
      items: { number: string }[];
      total: number;
    };
    expect(r.total).toBe(4);
    expect(r.items.map((i) => i.number)).toEqual(['to-site-b', 'sipproxy-pool']);
    const ext = (await (await product.api('/dns?type=extension&q=100', { token: viewer })).json()) as { total: number };
    expect(ext.total).toBe(2);
  });
});

describe('versions, diff and rollback', () => {
  it('diffs two versions and rolls back as a new version', async () => {
    const list = (await (await product.api('/config/versions', { token: viewer })).json()) as {
      items: { version: number; author: string }[];
    };
    const head = list.items[0].version;
    expect(head).toBeGreaterThan(1);
    const diff = (await (await product.api(`/config/diff?from=1&to=${head}`, { token: viewer })).json()) as {
      changes: { field?: string }[];
    };
    expect(diff.changes.some((c) => c.field === 'options.TServer.oos-check')).toBe(true);
    const v1 = (await (await product.api('/config/versions/1', { token: viewer })).json()) as { yaml: string };
    const rb = await product.api('/config/versions/1/rollback', { method: 'POST', token: operator });
    expect(((await rb.json()) as { version: number }).version).toBe(head + 1);
    expect(await exportYaml()).toBe(v1.yaml);
  });

  it('a rollback reviewed against a version that has moved on is refused (409 STALE_VERSION), nothing saved', async () => {
    const headOf = async () => ((await (await product.api('/config/head', { token: viewer })).json()) as { version: number }).version;
    const reviewed = await headOf();
    // Someone else commits after the operator opened the rollback's diff.
    const edit = await product.api('/applications/SIPProxy_1', {
      method: 'PATCH',
      token: operator,
      ...json({ options: { sipproxy: { 'oos-force': 3 } } }),
    });
    expect(edit.status).toBe(200);
    const moved = await headOf();
    const stale = await product.api(`/config/versions/1/rollback?baseVersion=${reviewed}`, { method: 'POST', token: operator });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { code: string }).code).toBe('STALE_VERSION');
    expect(await headOf()).toBe(moved);
    const fresh = await product.api(`/config/versions/1/rollback?baseVersion=${moved}`, { method: 'POST', token: operator });
    expect(fresh.status).toBe(200);
    expect(await headOf()).toBe(moved + 1);
  });
});

describe('multi-site trunk provisioning', () => {
  it('provisions per-server trunks from the remote site, converging on re-run', async () => {
    const req = { switch: 'SiteA', remoteSwitch: 'SiteB', mode: 'per-server' };
    const plan = (await (await product.api('/trunks/provision?dryRun=true', { method: 'POST', token: operator, ...json(req) })).json()) as {
      plan: { trunks: { number: string; action: string; options: Record<string, unknown> }[] };
    };
    expect(plan.plan.trunks.map((t) => [t.number, t.action])).toEqual([
      ['to-SiteB-primary', 'create'],
      ['to-SiteB-backup', 'create'],
    ]);
    expect(plan.plan.trunks[0].options).toMatchObject({
      contact: '127.0.0.1:5170',
      'peer-proxy-contact': 'proxy.site-b.example:5160',
      'oos-check': 5,
      'oos-force': 5,
    });
    const r = await product.api('/trunks/provision', { method: 'POST', token: operator, ...json(req) });
    expect(r.status).toBe(200);
    const again = (await (await product.api('/trunks/provision', { method: 'POST', token: operator, ...json(req) })).json()) as {
      result: { committed: boolean };
    };
    expect(again.result.committed).toBe(false);
    const exported = parseConfigDocument(await exportYaml()).doc;
    expect(exported.switches[0].dns.filter((d) => d.number.startsWith('to-SiteB')).length).toBe(2);
  });

  it('provisions a DNS-resolution trunk, replacing the per-server ones', async () => {
    const req = { switch: 'SiteA', remoteSwitch: 'SiteB', mode: 'dns', contact: 'sipserver.site-b.example' };
    const r = await product.api('/trunks/provision', { method: 'POST', token: operator, ...json(req) });
    expect(r.status).toBe(200);
    const exported = parseConfigDocument(await exportYaml()).doc;
    const trunks = exported.switches[0].dns.filter((d) => d.number.startsWith('to-SiteB'));
    expect(trunks.map((t) => t.number)).toEqual(['to-SiteB']);
    expect(trunks[0].options.TServer).toMatchObject({
      contact: 'sipserver.site-b.example',
      'resolve-external-contact': true,
      'replace-uri-contact': true,
      'peer-proxy-contact': 'proxy.site-b.example:5160',
    });
    const links = (await (await product.api('/trunks', { token: viewer })).json()) as { number: string; remoteSwitch: string | null }[];
    expect(links.find((l) => l.number === 'to-SiteB')?.remoteSwitch).toBe('SiteB');
  });
});

describe('access control', () => {
  it('lets a viewer read but not write, an operator write configuration but not manage users', async () => {
    expect((await product.api('/applications', { token: viewer })).status).toBe(200);
    expect((await product.api('/options/schema', { token: viewer })).status).toBe(200);
    expect((await product.api('/applications/SIPProxy_1', { method: 'PATCH', token: viewer, ...json({ options: {} }) })).status).toBe(403);
    expect((await product.api('/config/import', { method: 'POST', token: viewer, ...yaml(exampleYaml()) })).status).toBe(403);
    expect((await product.api('/trunks/provision', { method: 'POST', token: viewer, ...json({}) })).status).toBe(403);
    expect((await product.api('/config/versions/1/rollback', { method: 'POST', token: viewer })).status).toBe(403);
    expect((await product.api('/users', { token: operator })).status).toBe(403);
    expect(
      (
        await product.api('/users', {
          method: 'POST',
          token: operator,
          ...json({ username: 'x', password: 'password-123', role: 'admin' }),
        })
      ).status,
    ).toBe(403);
    for (const path of [
      '/applications',
      '/switches',
      '/dns',
      '/config/export',
      '/config/versions',
      '/audit',
      '/options/schema',
      '/trunks',
    ]) {
      expect((await product.api(path)).status, path).toBe(401);
    }
  });

  it('records every write in the audit log', async () => {
    const audit = (await (await product.api('/audit?pageSize=200', { token: viewer })).json()) as {
      items: { actor: string; action: string }[];
    };
    const actions = audit.items.map((i) => `${i.actor} ${i.action}`);
    expect(actions).toContain('admin config.commit');
    expect(actions).toContain('operator config.commit');
    expect(actions.some((a) => a.startsWith('admin POST /api/users'))).toBe(true);
  });
});

describe('a large document', () => {
  it('exports exactly what was imported (5,000 DNs through the API)', async () => {
    const { generateConfigDocument, FIXTURE_CERTS } = await import('../fixtures/config/index.js');
    const doc = generateConfigDocument({ switches: 5, dnsPerSwitch: 1000, dnKind: 'mixed' });
    for (const a of doc.applications)
      if (a.options.security)
        Object.assign(a.options.security, {
          certificate: FIXTURE_CERTS.proxyCert,
          'certificate-key': FIXTURE_CERTS.proxyKey,
          'trusted-ca': FIXTURE_CERTS.caCert,
        });
    const text = toYaml(doc);
    const r = await product.api('/config/import', { method: 'POST', token: admin, ...yaml(text) });
    expect(r.status, (await r.clone().text()).slice(0, 500)).toBe(200);
    const exported = await exportYaml();
    expect(exported).toBe(text);
    expect(parseConfigDocument(exported).doc).toEqual(doc);
    const again = (await (await product.api('/config/import', { method: 'POST', token: admin, ...yaml(exported) })).json()) as {
      committed: boolean;
    };
    expect(again.committed).toBe(false);
  }, 120_000);
});
