import { Alert, Anchor, Badge, Box, Button, Card, Center, Group, Loader, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { PairStateBadge } from '../../components/PairStateBadge';
import { useServiceState } from '../live/api';
import { useCan } from '../auth/permissions';
import { useTrunkLinks } from '../trunks/api';
import { buildMap, type MapSite, type MapTrunk } from './model';

const PAIR_COLOR: Record<string, string> = {
  'primary-active': 'green',
  'backup-active': 'yellow',
  'out-of-service': 'red',
  disagreement: 'orange',
  unknown: 'gray',
};
const TRUNK: Record<MapTrunk['state'], { label: string; color: string; dash?: string }> = {
  up: { label: 'both ends in service', color: 'green' },
  'one-way': { label: 'provisioned one way only', color: 'orange', dash: '8 6' },
  down: { label: 'a site is out of service', color: 'red', dash: '3 5' },
  unknown: { label: 'no proxy reports', color: 'gray', dash: '2 4' },
};
const enc = encodeURIComponent;

/**
 * The sites drawn as a map: one node per site (coloured by its HA pair's state), a road per pair of sites joined by
 * trunks (coloured by the trunk state). A picture only: the same facts, with links, are in the lists below it.
 */
function MapDiagram({ sites, trunks }: { sites: MapSite[]; trunks: MapTrunk[] }) {
  const W = 480,
    H = sites.length <= 2 ? 150 : 360,
    NW = 150,
    NH = 56;
  const pos = new Map(
    sites.map((s, i) => {
      if (sites.length === 1) return [s.name, { x: W / 2, y: H / 2 }];
      const a = sites.length === 2 ? Math.PI * i : (2 * Math.PI * i) / sites.length - Math.PI / 2;
      return [
        s.name,
        { x: W / 2 + (W / 2 - NW / 2 - 8) * Math.cos(a) * (sites.length === 2 ? -1 : 1), y: H / 2 + (H / 2 - NH / 2 - 8) * Math.sin(a) },
      ];
    }),
  );
  const summary = `${sites.length} site${sites.length === 1 ? '' : 's'}: ${sites.map((s) => `${s.name} (${s.pairState})`).join(', ')}; ${
    trunks.length === 0 ? 'no trunks' : `trunks ${trunks.map((t) => `${t.a}–${t.b} ${TRUNK[t.state].label}`).join(', ')}`
  }`;
  return (
    <Box
      component="svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Map: ${summary}`}
      data-testid="site-map-diagram"
      style={{ width: '100%', maxWidth: 640, height: 'auto', display: 'block' }}
    >
      {trunks.map((t) => {
        const a = pos.get(t.a),
          b = pos.get(t.b);
        if (!a || !b) return null;
        const st = TRUNK[t.state];
        return (
          <g key={`${t.a}-${t.b}`} data-road={`${t.a}-${t.b}`} data-state={t.state}>
            <line
              x1={a.x}
              y1={a.y}
              x2={b.x}
              y2={b.y}
              stroke={`var(--mantine-color-${st.color}-6)`}
              strokeWidth={5}
              strokeDasharray={st.dash}
              strokeLinecap="round"
            />
            <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 10} textAnchor="middle" fontSize={13} fill="var(--mantine-color-text)">
              {t.aToB.length + t.bToA.length} trunk DN{t.aToB.length + t.bToA.length === 1 ? '' : 's'}
            </text>
          </g>
        );
      })}
      {sites.map((s) => {
        const p = pos.get(s.name)!;
        const c = PAIR_COLOR[s.pairState] ?? 'gray';
        return (
          <g key={s.name} data-site-node={s.name} data-state={s.pairState}>
            <rect
              x={p.x - NW / 2}
              y={p.y - NH / 2}
              width={NW}
              height={NH}
              rx={10}
              fill={`var(--mantine-color-${c}-light)`}
              stroke={`var(--mantine-color-${c}-6)`}
              strokeWidth={2}
            />
            <text x={p.x} y={p.y - 6} textAnchor="middle" fontSize={16} fontWeight={700} fill="var(--mantine-color-text)">
              {s.name.length > 16 ? `${s.name.slice(0, 15)}…` : s.name}
            </text>
            <text x={p.x} y={p.y + 15} textAnchor="middle" fontSize={12} fill="var(--mantine-color-dimmed)">
              {s.pair ?? 'no HA pair'} · {s.proxies.length} prox{s.proxies.length === 1 ? 'y' : 'ies'}
            </text>
          </g>
        );
      })}
    </Box>
  );
}

function SiteBox({ site }: { site: MapSite }) {
  const id = `map-site-${site.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <Card withBorder radius="md" component="section" aria-labelledby={id} data-site={site.name} data-state={site.pairState}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Title order={3} size="h5" id={id}>
            <Anchor component={Link} to={`/switches/${enc(site.name)}`} c="inherit" underline="hover">
              {site.name}
            </Anchor>
          </Title>
          <PairStateBadge state={site.pairState} />
        </Group>
        <Text size="sm">
          HA pair{' '}
          {site.pair ? (
            <Anchor component={Link} to={`/pairs/${enc(site.pair)}`}>
              {site.pair}
            </Anchor>
          ) : (
            'none'
          )}
        </Text>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Proxy pool
        </Text>
        {site.proxies.length === 0 ? (
          <Text size="sm" c="dimmed">
            No proxies serve this site.
          </Text>
        ) : (
          <Group gap={6} component="ul" aria-label={`Proxy pool of ${site.name}`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {site.proxies.map((p) => (
              <li key={p.name} data-proxy={p.name}>
                <Badge
                  variant="light"
                  color={p.online ? 'green' : 'gray'}
                  component={Link}
                  to={`/applications/${enc(p.name)}`}
                  style={{ cursor: 'pointer', textTransform: 'none' }}
                >
                  {p.name} · {p.online ? 'online' : 'offline'}
                </Badge>
              </li>
            ))}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

function TrunkTable({ trunks }: { trunks: MapTrunk[] }) {
  if (trunks.length === 0) {
    return (
      <EmptyPanel
        title="No trunks between sites"
        description={
          <>
            Provision one on the{' '}
            <Anchor component={Link} to="/trunks">
              Multi-site trunks
            </Anchor>{' '}
            page.
          </>
        }
      />
    );
  }
  const dns = (links: MapTrunk['aToB']) =>
    links.length === 0 ? (
      <Text span c="dimmed" size="sm">
        none
      </Text>
    ) : (
      links.map((l, i) => (
        <span key={l.number}>
          {i > 0 ? ', ' : ''}
          <Anchor component={Link} to={`/switches/${enc(l.switch)}/dns/${enc(l.number)}`} size="sm">
            {l.number}
          </Anchor>
        </span>
      ))
    );
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label="Trunks between sites">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Sites</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Trunk DNs one way</Table.Th>
            <Table.Th>Trunk DNs the other way</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {trunks.map((t) => (
            <Table.Tr key={`${t.a}-${t.b}`} data-road={`${t.a}-${t.b}`} data-state={t.state}>
              <Table.Td>
                {t.a} ⇄ {t.b}
              </Table.Td>
              <Table.Td>
                <Badge color={TRUNK[t.state].color} variant="light" style={{ textTransform: 'none' }}>
                  {TRUNK[t.state].label}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text span size="xs" c="dimmed">
                  {t.a} → {t.b}:{' '}
                </Text>
                {dns(t.aToB)}
              </Table.Td>
              <Table.Td>
                <Text span size="xs" c="dimmed">
                  {t.b} → {t.a}:{' '}
                </Text>
                {dns(t.bToA)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** `/sites`: every site with its HA pair and proxy pool, and the trunks between sites with their state. */
export function SiteMapPage() {
  const state = useServiceState();
  const links = useTrunkLinks();
  const canEdit = useCan('edit-config');
  const title = 'Site map';
  const body = (() => {
    if (state.isLoading || links.isLoading)
      return (
        <Center py="xl">
          <Loader aria-label="Loading the site map" />
        </Center>
      );
    if (state.error || links.error || !state.data || !links.data) {
      const e = state.error ?? links.error;
      return (
        <Alert color="red" role="alert" title="Could not load the site map">
          {e instanceof Error ? e.message : 'No answer from the control plane.'}
        </Alert>
      );
    }
    const { sites, trunks } = buildMap(state.data, links.data);
    if (sites.length === 0) {
      return (
        <EmptyPanel
          title="No sites"
          description={
            <>
              Create a switch (a site) on the{' '}
              <Anchor component={Link} to="/switches">
                Switches & DNs
              </Anchor>{' '}
              page.
            </>
          }
        />
      );
    }
    return (
      <>
        <MapDiagram sites={sites} trunks={trunks} />
        <Stack gap="xs" component="section" aria-labelledby="map-sites">
          <Title order={2} size="h4" id="map-sites">
            Sites
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            {sites.map((s) => (
              <SiteBox key={s.name} site={s} />
            ))}
          </SimpleGrid>
        </Stack>
        <Stack gap="xs" component="section" aria-labelledby="map-trunks">
          <Title order={2} size="h4" id="map-trunks">
            Trunks
          </Title>
          <TrunkTable trunks={trunks} />
        </Stack>
      </>
    );
  })();
  const newSite = canEdit ? (
    <Button component={Link} to="/sites/new">
      New site
    </Button>
  ) : undefined;
  return (
    <Page title={title} description="Sites, their HA pairs and proxy pools, and the trunks between them." actions={newSite}>
      {body}
    </Page>
  );
}
