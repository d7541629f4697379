import { beforeEach, describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import { json, mockFetch, renderApp } from '../../test/utils';
import { FakeEventSource, installFakeEventSource, users } from '../../test/fakes';
import { liveStore } from './liveStore';

describe('LiveEvents', () => {
  beforeEach(() => {
    liveStore.reset();
    installFakeEventSource();
  });

  it('shows the sign-in page when the stream ends because the session did, on a page with no live data', async () => {
    let signedIn = true;
    mockFetch({
      'GET /api/auth/me': () => (signedIn ? json(users.admin) : json({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Sign in' }, 401)),
      'GET /api/audit': () => json({ items: [], total: 0 }),
    });
    renderApp('/audit');
    expect(await screen.findByRole('heading', { level: 1, name: 'Audit log' })).toBeInTheDocument();
    await waitFor(() => expect(FakeEventSource.instances.length).toBeGreaterThan(0));
    act(() => FakeEventSource.last.open());
    // The server ended the session (here: a password change elsewhere) and closed the stream.
    signedIn = false;
    act(() => FakeEventSource.last.fail());
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired. Sign in again to continue.');
  });
});
