import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';

const YAML = 'version: 1\napplications: []\nswitches: []\n';

describe('Import/Export', () => {
  it('validates with a dry run showing every error with its path, and imports nothing', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'POST /api/config/import': () =>
        json(
          {
            statusCode: 400,
            code: 'CONFIG_INVALID',
            message: 'invalid',
            errors: [
              { path: 'applications[0].options.sipproxy.oos-check', message: 'must be an integer from 0 to 300', line: 12, column: 20 },
              { path: 'applications[0].host', message: 'needs a host' },
            ],
          },
          400,
        ),
    });
    const user = userEvent.setup();
    renderApp('/import-export');
    await user.type(await screen.findByRole('textbox', { name: 'YAML document' }), 'version: 1');
    await user.click(screen.getByRole('button', { name: 'Validate' }));
    const list = await screen.findByTestId('import-errors');
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent(
      'line 12:20 applications[0].options.sipproxy.oos-check: must be an integer from 0 to 300',
    );
    // An error without a source position shows its path only.
    expect(within(list).getAllByRole('listitem')[1]).toHaveTextContent(/^applications\[0\]\.host: needs a host$/);
    expect(screen.getByRole('button', { name: 'Import' })).toBeDisabled();
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.url.searchParams.get('dryRun')).toBe('true');
    expect((posted[0]!.init.headers as Record<string, string>)['Content-Type']).toBe('application/yaml');
  });

  it('shows the changes of a valid document, then imports it', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'POST /api/config/import': (url) =>
        json({
          version: url.searchParams.get('dryRun') ? 4 : 5,
          committed: !url.searchParams.get('dryRun'),
          dryRun: !!url.searchParams.get('dryRun'),
          changes: [{ op: 'add', object: 'switch', name: 'SiteC', after: { name: 'SiteC' } }],
        }),
    });
    const user = userEvent.setup();
    renderApp('/import-export');
    const area = await screen.findByRole('textbox', { name: 'YAML document' });
    await user.click(area);
    await user.paste(YAML);
    await user.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByRole('table', { name: 'Import changes' })).toHaveTextContent('SiteC');
    await user.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'POST')[1]!.init.body).toBe(YAML);
    expect(await screen.findByText('Imported as configuration version 5')).toBeInTheDocument();
  });

  it('a viewer can validate (POST /config/validate) but not import', async () => {
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'POST /api/config/validate': () => json({ valid: true, errors: [] }),
    });
    const user = userEvent.setup();
    renderApp('/import-export');
    await user.type(await screen.findByRole('textbox', { name: 'YAML document' }), 'version: 1');
    await user.click(screen.getByRole('button', { name: 'Validate' }));
    expect(await screen.findByText('The document is valid.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Import' })).not.toBeInTheDocument();
    expect(screen.getByTestId('read-only-notice')).toBeInTheDocument();
    expect(calls.some((c) => c.url.pathname === '/api/config/import')).toBe(false);
  });
});
