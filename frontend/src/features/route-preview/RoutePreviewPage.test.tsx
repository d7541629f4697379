import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, mockFetch, renderApp } from '../../test/utils';
import { users } from '../../test/fakes';

const proxy = {
  name: 'SIPProxy_1',
  type: 'sip-proxy',
  host: '127.0.0.1',
  ports: { 'sip-port': 5060 },
  backup: null,
  options: {},
  revision: 1,
};

const answer = {
  app: 'SIPProxy_1',
  instanceId: 'i-7',
  outcome: 'forward',
  source: { kind: 'endpoint' },
  decision: { kind: 'pair', pair: 'SIPServer_A', role: 'backup', target: { host: '127.0.0.2', port: 5070, transport: 'udp' } },
  pair: {
    name: 'SIPServer_A',
    state: 'backup-active',
    activeRole: 'backup',
    serving: true,
    server: { role: 'backup', name: 'SIPServer_A_backup', host: '127.0.0.2', port: 5070, transport: 'udp' },
  },
  relay: { kind: 'allow', why: 'sip-server' },
  dns: { query: { host: '127.0.0.2', port: 5070, transport: 'udp' }, candidates: [{ host: '127.0.0.2', port: 5070, transport: 'udp' }] },
  steps: [
    { step: 'source', detail: '10.0.0.5:5060 is an endpoint' },
    { step: 'route', detail: 'to the active server of SIPServer_A' },
  ],
};

describe('route preview page', () => {
  it('sends the request as fields with its source and shows the decision and why', async () => {
    const bodies: unknown[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.operator),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'POST /api/route-preview': (_u, init) => {
        bodies.push(JSON.parse(String(init.body)));
        return json(answer);
      },
    });
    const user = userEvent.setup();
    renderApp('/route-preview?app=SIPProxy_1');
    expect(await screen.findByRole('heading', { name: 'Route preview' })).toBeInTheDocument();
    await user.type(screen.getByRole('textbox', { name: 'Request-URI' }), 'sip:2000@example.com');
    await user.type(screen.getByRole('textbox', { name: 'From' }), 'sip:1000@example.com');
    await user.type(screen.getByRole('textbox', { name: 'Source address' }), '10.0.0.5');
    await user.click(screen.getByRole('button', { name: 'Preview' }));

    const result = await screen.findByRole('region', { name: /Forwarded to udp:127\.0\.0\.2:5070/ });
    expect(bodies).toEqual([
      {
        app: 'SIPProxy_1',
        source: { address: '10.0.0.5', port: 5060, transport: 'udp' },
        method: 'INVITE',
        requestUri: 'sip:2000@example.com',
        from: 'sip:1000@example.com',
      },
    ]);
    expect(within(result).getByTestId('preview-rule')).toHaveTextContent('To the active server (backup) of HA pair SIPServer_A');
    expect(within(result).getByTestId('preview-pair')).toHaveTextContent('SIPServer_A_backup (backup) at udp:127.0.0.2:5070');
    expect(within(result).getByRole('link', { name: 'SIPServer_A' })).toHaveAttribute('href', '/pairs/SIPServer_A');
    expect(within(result).getByTestId('preview-relay')).toHaveTextContent('Allowed: it comes from or goes to a configured SIP Server');
    expect(within(result).getByTestId('preview-dns')).toHaveTextContent('127.0.0.2 → udp:127.0.0.2:5070');
    expect(within(result).getAllByRole('listitem')).toHaveLength(2);
  });

  it('sends a pasted SIP message as is (CRLF) and shows a refusal and a 400 naming the field', async () => {
    let refuse = true;
    const bodies: Record<string, unknown>[] = [];
    mockFetch({
      'GET /api/auth/me': () => json(users.admin),
      'GET /api/applications': () => json({ items: [proxy], total: 1, page: 1, pageSize: 500 }),
      'POST /api/route-preview': (_u, init) => {
        bodies.push(JSON.parse(String(init.body)) as Record<string, unknown>);
        if (!refuse) return json({ message: 'source.address must be an IPv4 or IPv6 address' }, 400);
        return json({
          app: 'SIPProxy_1',
          instanceId: 'i-7',
          outcome: 'refuse',
          status: 403,
          reason: 'Relaying Denied',
          relay: { kind: 'refuse', status: 403, reason: 'Relaying Denied', what: 'foreign-request-uri' },
          steps: [{ step: 'relay', detail: 'foreign Request-URI' }],
        });
      },
    });
    const user = userEvent.setup();
    renderApp('/route-preview?app=SIPProxy_1');
    await user.click(await screen.findByRole('radio', { name: 'SIP message' }));
    await user.type(
      screen.getByRole('textbox', { name: /SIP message/ }),
      'OPTIONS sip:x@foreign.example SIP/2.0{Enter}Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1{Enter}{Enter}',
    );
    await user.type(screen.getByRole('textbox', { name: 'Source address' }), '10.0.0.5');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    const result = await screen.findByRole('region', { name: 'Refused: 403 Relaying Denied' });
    expect(within(result).getByTestId('preview-relay')).toHaveTextContent('Refused 403 Relaying Denied (foreign-request-uri)');
    expect(bodies[0]!.message).toBe('OPTIONS sip:x@foreign.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1\r\n\r\n');
    expect(bodies[0]!.method).toBeUndefined();

    refuse = false;
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('source.address must be an IPv4 or IPv6 address');
  });

  it('is not for viewers (the API refuses them: the answer names flows and next hops)', async () => {
    mockFetch({ 'GET /api/auth/me': () => json(users.viewer) });
    renderApp('/route-preview');
    expect(await screen.findByRole('heading', { name: 'Not allowed' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Route preview' })).not.toBeInTheDocument());
  });
});
