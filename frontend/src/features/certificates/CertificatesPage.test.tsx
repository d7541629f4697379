import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';
import type { CertificateCheckAnswer, CertificateList } from './api';

const facts = (over: Partial<CertificateList['items'][number]['certificate'] & object> = {}) => ({
  subject: 'CN=proxy.site-a.example',
  san: ['DNS:proxy.site-a.example', 'IP Address:127.0.0.1'],
  issuer: 'CN=Site A CA',
  serialNumber: '1000',
  fingerprint256: 'AA:BB',
  notBefore: '2026-11-20T00:00:00.000Z',
  notAfter: '2026-12-13T00:00:00.000Z',
  daysLeft: 9,
  validity: 'expiring' as const,
  chainLength: 1,
  ...over,
});
const list: CertificateList = {
  expiryWarningDays: 30,
  items: [
    {
      application: 'SIPProxy_1',
      sources: { certificate: 'proxy.pem', 'certificate-key': 'secret', 'trusted-ca': 'ca.pem' },
      listener: true,
      state: 'expiring',
      certificate: facts(),
      chain: { status: 'trusted', detail: 'issued by CN=Site A CA' },
      keyMatches: true,
      worker: { accepted: true },
      problems: [],
    },
    {
      application: 'SIPProxy_2',
      sources: { certificate: 'inline', 'certificate-key': 'secret' },
      listener: true,
      state: 'expired',
      certificate: facts({ subject: 'CN=old', daysLeft: -3, validity: 'expired' }),
      chain: { status: 'no-trusted-ca', detail: '' },
      keyMatches: true,
      worker: { accepted: true },
      problems: [],
    },
  ],
};
const proxies = { items: [{ name: 'SIPProxy_1' }, { name: 'SIPProxy_2' }], total: 2, page: 1, pageSize: 500 };

describe('certificates page', () => {
  it('lists each proxy with its state badge, days left, names and chain; a viewer gets no dry-run form', async () => {
    mockFetch({
      'GET /api/auth/me': () => json(users.viewer),
      'GET /api/certificates': () => json(list),
      'GET /api/applications': () => json(proxies),
    });
    renderApp('/certificates');
    expect(await screen.findByRole('heading', { level: 1, name: 'Certificates' })).toBeInTheDocument();
    const one = await screen.findByTestId('certificate-SIPProxy_1');
    expect(within(one).getByTestId('certificate-state')).toHaveTextContent('Expires soon');
    expect(within(one).getByTestId('days-left')).toHaveTextContent('9 days left');
    expect(within(one).getByText('DNS:proxy.site-a.example, IP Address:127.0.0.1')).toBeInTheDocument();
    expect(within(one).getByText('Trusted')).toBeInTheDocument();
    const two = screen.getByTestId('certificate-SIPProxy_2');
    expect(within(two).getByTestId('certificate-state')).toHaveTextContent('Expired');
    expect(within(two).getByTestId('days-left')).toHaveTextContent('expired 3 days ago');
    expect(screen.queryByRole('form', { name: 'Check a certificate' })).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Certificates' })).toBeInTheDocument();
  });

  it('an operator checks a pasted certificate: the body carries it, and the refusal says why', async () => {
    const answer: CertificateCheckAnswer = {
      application: 'SIPProxy_1',
      accepted: false,
      worker: { accepted: false, option: 'certificate-key', reason: 'certificate-key "proxy.key" does not match certificate inline PEM' },
      save: { accepted: false, problems: [] },
      certificate: facts({ daysLeft: 400, validity: 'valid' }),
      chain: null,
      keyMatches: false,
      state: 'invalid',
    };
    const { calls } = mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/certificates': () => json(list),
      'GET /api/applications': () => json(proxies),
      'POST /api/certificates/check': () => json(answer),
    });
    renderApp('/certificates');
    const form = await screen.findByRole('form', { name: 'Check a certificate' });
    const user = userEvent.setup();
    await user.click(within(form).getByRole('combobox', { name: 'SIP Proxy application' }));
    await user.click(await screen.findByRole('option', { name: 'SIPProxy_1' }));
    await user.type(within(form).getByRole('textbox', { name: 'certificate' }), 'renewed.pem');
    await user.click(within(form).getByRole('button', { name: 'Check' }));
    const result = await screen.findByTestId('check-result');
    expect(result).toHaveTextContent('Refused for SIPProxy_1');
    expect(result).toHaveTextContent('does not match certificate');
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(String(post.init.body))).toEqual({ application: 'SIPProxy_1', certificate: 'renewed.pem' });
  });
});
