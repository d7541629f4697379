import { Suspense, useEffect, useRef } from 'react';
import { NavLink as RouterNavLink, Outlet, useLocation, matchPath } from 'react-router';
import {
  ActionIcon,
  AppShell,
  Badge,
  Box,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  ScrollArea,
  Text,
  Tooltip,
  VisuallyHidden,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconLogout, IconMoon, IconSun } from '@tabler/icons-react';
import { useAuth } from '../../features/auth/AuthProvider';
import { GlobalSearch } from '../../features/search/GlobalSearch';
import { BRAND_ICON, NAV_ITEMS } from './nav';
import classes from './AppLayout.module.css';

const ROLE_COLOR = { admin: 'grape', operator: 'blue', viewer: 'gray' } as const;

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const next = computed === 'dark' ? 'light' : 'dark';
  const label = next === 'dark' ? 'Switch to dark theme' : 'Switch to light theme';
  return (
    <Tooltip label={label}>
      <ActionIcon variant="default" size="lg" aria-label={label} onClick={() => setColorScheme(next)}>
        {computed === 'dark' ? <IconSun size={18} aria-hidden /> : <IconMoon size={18} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
}

/** The authenticated frame: header (brand, user, logout), navigation (burger on narrow screens), main content. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const { user, logout, hasRole } = useAuth();
  const location = useLocation();
  const Brand = BRAND_ICON;
  // Below the `sm` breakpoint a closed navbar is only moved off-screen; `inert` keeps its links out of the tab order.
  const narrow = useMediaQuery('(max-width: 47.99em)') ?? false;
  const navHidden = narrow && !opened;

  // After client-side navigation, move focus to the new page so screen readers and keyboard users start there
  // (a full page load would do this by itself). Not on first render: the login redirect already placed focus.
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: false });
  }, [location.pathname]);

  const items = NAV_ITEMS.filter((i) => !i.roles || hasRole(...i.roles));

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a href="#main-content" className={classes.skipLink}>
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Group gap={6} wrap="nowrap">
              <Brand size={22} aria-hidden color="var(--mantine-color-blue-filled)" />
              {/* On a phone the header keeps its controls (search, role, theme, log out): the name gives way. */}
              <Text component="span" fw={700} size="lg" style={{ whiteSpace: 'nowrap' }} visibleFrom="xs">
                SIP Edge
              </Text>
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <GlobalSearch />
            {user ? (
              <Group gap={6} wrap="nowrap" aria-label="Signed in user" role="group">
                <Text size="sm" fw={500} visibleFrom="xs" data-testid="current-user">
                  <VisuallyHidden>Signed in as </VisuallyHidden>
                  {user.username}
                </Text>
                <Badge variant="light" color={ROLE_COLOR[user.role] ?? 'gray'} data-testid="current-role">
                  <VisuallyHidden>Role: </VisuallyHidden>
                  {user.role}
                </Badge>
              </Group>
            ) : null}
            <ColorSchemeToggle />
            {/* One button at every width (the text hides on phones), so its accessible name is always "Log out". */}
            <Button
              variant="default"
              aria-label="Log out"
              leftSection={<IconLogout size={16} aria-hidden />}
              onClick={() => void logout()}
              px={{ base: 'xs', sm: 'md' }}
              classNames={{ section: classes.logoutSection }}
            >
              <Box component="span" visibleFrom="sm">
                Log out
              </Box>
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar
        p="xs"
        id="main-navigation"
        aria-label="Main navigation"
        inert={navHidden}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && narrow) close();
        }}
      >
        <ScrollArea type="auto" style={{ flex: 1 }}>
          {items.map((item) => {
            const Icon = item.icon;
            const active = !!matchPath({ path: item.to, end: item.end ?? false }, location.pathname);
            return (
              <NavLink
                key={item.to}
                component={RouterNavLink}
                to={item.to}
                end={item.end}
                label={item.label}
                leftSection={<Icon size={18} stroke={1.6} aria-hidden />}
                active={active}
                onClick={close}
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1} className={classes.main} ref={mainRef}>
        <Suspense
          fallback={
            <Center py="xl">
              <Loader aria-label="Loading page" />
            </Center>
          }
        >
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
