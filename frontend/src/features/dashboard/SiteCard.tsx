import { Anchor, Badge, Box, Card, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconArrowRight, IconServer2 } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { PairView, ServicePair, ServiceState } from '../../api';
import { PairStateBadge } from '../../components/PairStateBadge';
import { StatusBadge, toServiceStatus } from '../../components/StatusBadge';

function ServerBox({
  role,
  server,
  activeFor,
  total,
  oos,
}: {
  role: 'primary' | 'backup';
  server?: { name: string; host: string; port: number };
  activeFor: number;
  total: number;
  oos: boolean;
}) {
  const active = activeFor > 0;
  const color = oos ? 'red' : active ? (role === 'primary' ? 'green' : 'yellow') : 'gray';
  return (
    <Paper
      withBorder
      p="xs"
      radius="md"
      data-server-role={role}
      data-active={active || undefined}
      style={{
        borderColor: oos || active ? `var(--mantine-color-${color}-6)` : undefined,
        borderWidth: active ? 2 : 1,
        background: oos ? 'var(--mantine-color-red-light)' : active ? `var(--mantine-color-${color}-light)` : undefined,
      }}
    >
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color={color} size="md" aria-hidden>
          <IconServer2 size={16} />
        </ThemeIcon>
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
            {role}
          </Text>
          <Text size="sm" fw={600} truncate title={server?.name}>
            {server?.name ?? '—'}
          </Text>
          {server ? (
            <Text size="xs" ff="monospace" c="dimmed">
              {server.host}:{server.port}
            </Text>
          ) : null}
          <Text size="xs" mt={2} c={active ? undefined : 'dimmed'}>
            {total === 0 ? 'no proxy reports' : `active for ${activeFor} of ${total} prox${total === 1 ? 'y' : 'ies'}`}
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}

function viewFor(pair: ServicePair | undefined, proxy: string): PairView | undefined {
  return pair?.views.find((v) => v.worker === proxy);
}

/**
 * One site as a picture: its HA pair (primary and backup, the active one lit) and its proxy pool, each proxy with the
 * server it sees active. Out of service is red; proxies that disagree are outlined in orange.
 */
export function SiteCard({ site, state }: { site: ServiceState['sites'][number]; state: ServiceState }) {
  const pair = state.pairs.find((p) => p.name === site.sipServer);
  const workers = new Map(state.workers.map((w) => [w.app, w]));
  const views = site.proxies.map((p) => ({ proxy: p, view: viewFor(pair, p) }));
  const reported = views.filter((v) => v.view);
  // Every proxy that monitors this pair reports on it, not only the site's own pool (the guide: each proxy monitors
  // every SIP Server), so the server boxes count all of them.
  const monitoring = pair?.views ?? [];
  const activeCount = (role: 'primary' | 'backup') => monitoring.filter((v) => v.state === `${role}-active`).length;
  const oos = pair?.state === 'out-of-service';
  const disagree = !!pair?.disagree || pair?.state === 'disagreement';
  const majority = (() => {
    const counts = new Map<string, number>();
    for (const v of reported) counts.set(v.view!.state, (counts.get(v.view!.state) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  })();
  const headingId = `site-${site.switch}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="section"
      aria-labelledby={headingId}
      data-site={site.switch}
      data-state={pair?.state ?? 'unknown'}
      style={
        oos
          ? { borderColor: 'var(--mantine-color-red-6)', borderWidth: 2 }
          : disagree
            ? { borderColor: 'var(--mantine-color-orange-6)', borderWidth: 2 }
            : undefined
      }
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0}>
            <Title order={2} size="h4" id={headingId}>
              <Anchor
                component={Link}
                to={`/switches/${encodeURIComponent(site.switch)}`}
                c="inherit"
                fw={700}
                fz="inherit"
                underline="hover"
              >
                {site.switch}
              </Anchor>
            </Title>
            <Text size="xs" c="dimmed">
              HA pair{' '}
              {site.sipServer ? (
                <Anchor component={Link} to={`/applications/${encodeURIComponent(site.sipServer)}`} size="xs" c="dimmed" underline="always">
                  {site.sipServer}
                </Anchor>
              ) : (
                'none'
              )}
            </Text>
          </Stack>
          {pair ? <PairStateBadge state={pair.state} /> : <StatusBadge status="unknown" label="No HA pair" />}
          {pair?.adminOutOfService?.length ? (
            <Badge size="sm" variant="light" color="grape" data-admin-state="out-of-service">
              maintenance: {pair.adminOutOfService.join(', ')}
            </Badge>
          ) : null}
        </Group>

        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
          <ServerBox role="primary" server={pair?.primary} activeFor={activeCount('primary')} total={monitoring.length} oos={oos} />
          <ServerBox role="backup" server={pair?.backup} activeFor={activeCount('backup')} total={monitoring.length} oos={oos} />
        </SimpleGrid>

        {(() => {
          const last = monitoring
            .flatMap((v) => (v.history ?? []).map((h) => ({ ...h, proxy: v.worker })))
            .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
          if (!last) return null;
          const when = new Date(last.at);
          return (
            <Text size="xs" c="dimmed" data-testid="last-transition">
              Last change {Number.isNaN(when.getTime()) ? last.at : when.toLocaleTimeString()}: {last.proxy} saw {last.from} → {last.to}
              {last.trigger ? ` (${last.trigger})` : ''}
            </Text>
          );
        })()}

        <Stack gap={4}>
          <Text size="xs" fw={600} c="dimmed" tt="uppercase">
            Proxy pool ({site.proxies.length})
          </Text>
          {site.proxies.length === 0 ? (
            <Text size="sm" c="dimmed">
              No proxies serve this site.
            </Text>
          ) : (
            <Stack gap={4} role="list" aria-label={`Proxies of ${site.switch}`}>
              {views.map(({ proxy, view }) => {
                const w = workers.get(proxy);
                const odd = disagree && view && majority && view.state !== majority;
                const active = view?.servers.find((s) => view.state === `${s.role}-active`);
                return (
                  <Box
                    key={proxy}
                    role="listitem"
                    data-proxy={proxy}
                    data-view={view?.state ?? 'none'}
                    px="xs"
                    py={4}
                    style={{
                      borderRadius: 6,
                      border: `1px solid ${odd ? 'var(--mantine-color-orange-6)' : 'var(--mantine-color-default-border)'}`,
                      background:
                        view?.state === 'out-of-service'
                          ? 'var(--mantine-color-red-light)'
                          : odd
                            ? 'var(--mantine-color-orange-light)'
                            : undefined,
                    }}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                        <Tooltip label={w ? (w.online ? 'Worker online' : 'Worker offline') : 'No worker reports for this proxy'}>
                          <Box
                            w={8}
                            h={8}
                            style={{
                              borderRadius: 8,
                              flex: 'none',
                              background: w?.online ? 'var(--mantine-color-green-6)' : 'var(--mantine-color-gray-5)',
                            }}
                            aria-label={w?.online ? 'online' : 'offline'}
                            role="img"
                          />
                        </Tooltip>
                        <Anchor
                          component={Link}
                          to={`/applications/${encodeURIComponent(proxy)}`}
                          size="sm"
                          fw={500}
                          c="inherit"
                          underline="hover"
                          truncate
                        >
                          {proxy}
                        </Anchor>
                        <IconArrowRight size={14} aria-hidden style={{ flex: 'none', opacity: 0.5 }} />
                        <Text size="xs" c="dimmed" truncate>
                          {active
                            ? active.name
                            : view?.state === 'out-of-service'
                              ? 'no server answering'
                              : view
                                ? 'no active server'
                                : 'no report'}
                        </Text>
                      </Group>
                      <Group gap={4} wrap="nowrap">
                        {/* Each proxy of the pool is an instance an operator drains or stops on its own (issue 17). */}
                        {w?.adminState === 'drained' || w?.adminState === 'stopped' ? (
                          <Badge
                            size="xs"
                            color={w.adminState === 'drained' ? 'orange' : 'gray'}
                            variant="light"
                            data-admin-state={w.adminState}
                          >
                            {w.adminState}
                          </Badge>
                        ) : null}
                        {odd ? (
                          <Badge size="xs" color="orange" variant="filled">
                            differs
                          </Badge>
                        ) : null}
                        {view ? <StatusBadge status={toServiceStatus(view.state)} size="sm" /> : null}
                      </Group>
                    </Group>
                  </Box>
                );
              })}
            </Stack>
          )}
        </Stack>
      </Stack>
    </Card>
  );
}
