import { parse } from 'yaml';
import type { Api } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';
import { TrunksPage } from '../pages/trunks.page.js';

interface ExportedDoc {
  switches: { name: string; dns: { number: string; type: string; options?: { TServer?: Record<string, unknown> } }[] }[];
}

/** The trunk DNs of a switch as the exported YAML document has them. */
async function exportedTrunks(api: Api, sw: string): Promise<Map<string, Record<string, unknown>>> {
  const doc = parse((await api.exportYaml()).yaml) as ExportedDoc;
  const dns = doc.switches.find((s) => s.name === sw)?.dns ?? [];
  return new Map(dns.filter((d) => d.type === 'trunk').map((d) => [d.number, d.options?.TServer ?? {}]));
}

const TRUNKS = {
  [NAMES.siteA]: ['to-SiteB', 'to-SiteB-primary', 'to-SiteB-backup'],
  [NAMES.siteB]: ['to-SiteA', 'to-SiteA-primary', 'to-SiteA-backup'],
};

test.describe('multi-site trunks through the UI', () => {
  test.use(asRole('operator'));

  test.beforeAll(async ({ adminApi }) => {
    // Start from no trunks between the sites, whatever ran before.
    for (const [sw, numbers] of Object.entries(TRUNKS)) {
      for (const n of numbers) {
        const r = await adminApi.raw(`/switches/${sw}/dns/${n}`, { method: 'DELETE' });
        expect([200, 204, 404]).toContain(r.status);
      }
    }
  });

  test('DNS-resolution mode: one trunk with the FQDN, options filled from the remote site, found in the export', async ({
    page,
    adminApi,
  }) => {
    const trunks = new TrunksPage(page);
    await trunks.goto();
    await trunks.choose(NAMES.siteA, NAMES.siteB, 'dns', 'not a name');
    // Validation as typed: the flow will not preview a contact that is not an FQDN.
    await expect(page.getByText(/Enter a fully qualified domain name/)).toBeVisible();
    await expect(trunks.button('Preview')).toBeDisabled();
    await page.getByRole('textbox', { name: 'Remote FQDN contact' }).fill(NAMES.siteBSrv);
    await trunks.preview();
    const row = trunks.planRow('to-SiteB');
    await expect(row).toContainText('create');
    await expect(row).toContainText(`contact = ${NAMES.siteBSrv}`);
    // From SiteB's own configuration: its VoIP Service DN's external-contact.
    await expect(row).toContainText('peer-proxy-contact = proxy.site-b.example:5160');
    await expect(trunks.plan.getByRole('row')).toHaveCount(2); // header + the one trunk
    await snap(page, 'trunks-preview-dns');
    await trunks.apply();
    await expect(trunks.linkRow('to-SiteB')).toContainText('DNS');

    const exported = await exportedTrunks(adminApi, NAMES.siteA);
    expect(exported.get('to-SiteB')).toMatchObject({
      contact: NAMES.siteBSrv,
      'peer-proxy-contact': 'proxy.site-b.example:5160',
      'resolve-external-contact': true,
    });
  });

  test('per-server mode: one trunk per server of the remote HA pair, found in the export', async ({ page, adminApi, env }) => {
    const trunks = new TrunksPage(page);
    await trunks.goto();
    await trunks.choose(NAMES.siteB, NAMES.siteA, 'per-server');
    await trunks.preview();
    const primary = `127.0.0.1:${env.ports.pairAPort}`;
    const backup = `127.0.0.2:${env.ports.pairAPort}`;
    const proxy = `127.0.0.1:${env.ports.proxySipPort}`;
    await expect(trunks.planRow('to-SiteA-primary')).toContainText(`contact = ${primary}`);
    await expect(trunks.planRow('to-SiteA-backup')).toContainText(`contact = ${backup}`);
    for (const n of ['to-SiteA-primary', 'to-SiteA-backup']) {
      await expect(trunks.planRow(n)).toContainText('create');
      await expect(trunks.planRow(n)).toContainText(`peer-proxy-contact = ${proxy}`);
    }
    await snap(page, 'trunks-preview-per-server');
    await trunks.apply();
    await expect(trunks.linkRow('to-SiteA-primary')).toContainText('per server');
    await expect(trunks.linkRow('to-SiteA-backup')).toContainText('per server');
    await expect(trunks.linkRow('to-SiteB')).toContainText('DNS'); // the first pair of sites keeps its link
    await snap(page, 'trunks-links');

    const exported = await exportedTrunks(adminApi, NAMES.siteB);
    expect(exported.get('to-SiteA-primary')).toMatchObject({ contact: primary, 'peer-proxy-contact': proxy });
    expect(exported.get('to-SiteA-backup')).toMatchObject({ contact: backup, 'peer-proxy-contact': proxy });
    expect((await exportedTrunks(adminApi, NAMES.siteA)).has('to-SiteB')).toBe(true);

    // Provisioning the same again converges: nothing to change.
    await page.getByRole('button', { name: 'Start over' }).click();
    await trunks.choose(NAMES.siteB, NAMES.siteA, 'per-server');
    await trunks.preview();
    await expect(trunks.planRow('to-SiteA-primary')).toContainText('unchanged');
    await expect(trunks.planRow('to-SiteA-backup')).toContainText('unchanged');
  });
});
