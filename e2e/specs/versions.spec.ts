import { parse } from 'yaml';
import type { Api } from '../fixtures/api.js';
import { NAMES } from '../fixtures/deployment.js';
import { setDnOptions } from '../fixtures/journey.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';

interface Doc {
  switches: { name: string; dns: { number: string; options?: { TServer?: Record<string, unknown> } }[] }[];
}
async function exportedOosForce(api: Api): Promise<unknown> {
  const doc = parse((await api.exportYaml()).yaml) as Doc;
  return doc.switches.find((s) => s.name === NAMES.siteA)?.dns.find((d) => d.number === NAMES.voipServiceDn)?.options?.TServer?.[
    'oos-force'
  ];
}

test.describe('configuration versions', () => {
  test.use(asRole('operator'));

  test('compare two versions, then roll back the last change', async ({ page, adminApi }) => {
    const before = await exportedOosForce(adminApi);
    const changed = before === 7 ? 8 : 7;
    const version = await setDnOptions(adminApi, NAMES.siteA, NAMES.voipServiceDn, { 'oos-force': changed });
    expect(await exportedOosForce(adminApi)).toBe(changed);

    await page.goto('/versions');
    await expect(page.getByRole('heading', { level: 1, name: 'Versions' })).toBeVisible();
    await page.getByRole('textbox', { name: 'From version' }).fill(String(version - 1));
    await page.getByRole('textbox', { name: 'To version' }).fill(String(version));
    await page.getByRole('button', { name: 'Compare' }).click();
    const diff = page.getByRole('table', { name: `Differences from version ${version - 1} to ${version}` });
    await expect(diff).toContainText('oos-force');
    await expect(diff).toContainText(String(changed));
    await snap(page, 'versions-compare');

    await page.getByRole('button', { name: `Roll back to version ${version - 1}` }).click();
    const confirm = page.getByRole('dialog', { name: `Roll back to version ${version - 1}?` });
    // Reviewed like any change (issue 19): what the rollback changes is shown before it is sent.
    const review = confirm.getByRole('table', { name: `Changes from version ${version} to version ${version - 1}` });
    await expect(review).toContainText('oos-force');
    await expect(review).toContainText(String(changed));
    expect(await exportedOosForce(adminApi)).toBe(changed);
    await snap(page, 'versions-rollback-review');
    await confirm.getByRole('button', { name: 'Roll back' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `Rolled back to version ${version - 1}` })).toBeVisible();
    expect(await exportedOosForce(adminApi)).toBe(before);
    expect((await adminApi.exportYaml()).version).toBeGreaterThan(version);
  });
});
