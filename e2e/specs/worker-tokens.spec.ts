import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../fixtures/api.js';
import { REPO_ROOT } from '../fixtures/product.js';
import { asRole, expect, test } from '../fixtures/test.js';
import { snap } from '../pages/shell.js';

// An admin makes a token for a SIP Proxy that runs elsewhere, starts that remote worker with the token and the
// command the dialog shows, sees it online on the configuration version, then revokes the token.
// The proxy is E2E_Remote, serving SiteB's pair on a host name that is not this machine (so no embedded worker runs
// it) with sip-address 127.0.0.2 (where the remote worker, started here, listens). It is deleted at the end.

const APP = 'E2E_Remote';
const CLI = join(REPO_ROOT, 'backend/dist/backend/src/worker/cli.js');

test.describe('remote worker tokens', () => {
  test.use(asRole('admin'));
  let worker: ChildProcess | undefined;

  test.beforeEach(async ({ adminApi }) => {
    await adminApi.raw(`/applications/${APP}`, { method: 'DELETE' });
    await adminApi.post('/applications', {
      name: APP,
      type: 'sip-proxy',
      host: 'remote-worker.e2e.invalid',
      ports: { 'sip-port': 5160 },
      options: {
        sipproxy: {
          'sipproxy-role': 10,
          applications: 'SIPServer_A,SIPServer_B',
          'servicing-sipserver': 'SIPServer_B',
          'sip-address': '127.0.0.2',
        },
      },
    });
  });

  test.afterEach(async ({ adminApi }) => {
    // Only the PID this spec started.
    if (worker?.pid && worker.exitCode === null) worker.kill('SIGTERM');
    await adminApi.raw(`/applications/${APP}`, { method: 'DELETE' });
    for (const t of await adminApi.get<{ id: string; app: string }[]>('/workers/tokens')) {
      if (t.app === APP) await adminApi.raw(`/workers/tokens/${t.id}`, { method: 'DELETE' });
    }
  });

  test('create a token (shown once, with the command), run a remote worker with it, see it applied, revoke it', async ({
    page,
    adminApi,
    env,
  }) => {
    await page.goto(`/applications/${APP}`);
    const section = page.getByRole('region', { name: 'Remote worker tokens' });
    const table = section.getByRole('table', { name: `Worker tokens of ${APP}` });
    await expect(section.getByText('No worker tokens')).toBeVisible();

    await section.getByRole('button', { name: 'New worker token' }).click();
    const dialog = page.getByRole('dialog', { name: `Worker token for ${APP}` });
    const token = (await dialog.getByTestId('worker-token').innerText()).trim();
    expect(token).toMatch(/^swt_/);
    const origin = new URL(page.url()).origin;
    await expect(dialog.getByTestId('worker-command')).toHaveText(
      `SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane ${origin} --app ${APP}`,
    );
    await expect(dialog.getByRole('button', { name: 'Copy command' })).toBeVisible();
    await snap(page, 'worker-token-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(table.getByRole('row')).toHaveCount(2);
    await expect(table.getByRole('row').nth(1)).toContainText('never');

    // The worker CLI the command runs, started directly so this spec knows (and kills) exactly its PID.
    worker = spawn(process.execPath, [CLI, '--control-plane', env.url, '--app', APP], {
      cwd: REPO_ROOT,
      stdio: 'ignore',
      env: { ...process.env, SIPEDGE_WORKER_TOKEN: token },
    });
    const head = (await adminApi.exportYaml()).version;
    await waitFor(
      async () => {
        const w = await adminApi.worker(APP);
        return !!w?.online && w.configVersion === head;
      },
      30_000,
      `${APP} online on version ${head}`,
    );

    await page.goto('/');
    const row = page.getByRole('region', { name: 'Proxy workers' }).locator(`[data-worker="${APP}"]`);
    await expect(row).toContainText('online');
    await expect(row).toContainText(`v${head}`);

    await page.goto(`/applications/${APP}`);
    await expect(table.getByRole('row').nth(1)).not.toContainText('never'); // last used
    await table.getByRole('button', { name: /^Revoke token / }).click();
    const confirm = page.getByRole('dialog', { name: /^Revoke token .*\?$/ });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await expect(section.getByText('No worker tokens')).toBeVisible();
    const refused = await fetch(`${env.url}/api/worker-channel/stream?app=${APP}`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
  });
});
