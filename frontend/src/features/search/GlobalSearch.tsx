import { useId, useMemo, useState } from 'react';
import { Badge, Box, Button, Center, Group, Kbd, Loader, Modal, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue, useDisclosure, useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useNavigate } from 'react-router';
import { useSearch } from './api';
import { rowsOf, type ResultRow } from './results';

const KIND_COLOR: Record<ResultRow['kind'], string> = { Application: 'blue', Switch: 'grape', DN: 'teal', Option: 'orange' };

/**
 * The header search: a button (and Ctrl+K or "/") opens a dialog with a combobox over `GET /api/search`; arrow keys
 * move through the results, Enter opens one, Escape closes. Every result is also a plain button for the mouse.
 */
export function GlobalSearch() {
  const [opened, { open, close }] = useDisclosure(false);
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 200);
  const [active, setActive] = useState(0);
  const navigate = useNavigate();
  const listId = useId();
  const search = useSearch(q);
  useHotkeys([
    ['mod+K', open],
    ['/', open],
  ]);

  const rows = useMemo(() => (search.data?.pages ?? []).flatMap((p) => p.items.flatMap(rowsOf)), [search.data]);
  const total = search.data?.pages[0]?.total ?? 0;
  const current = Math.min(active, Math.max(rows.length - 1, 0));

  const go = (row: ResultRow | undefined) => {
    if (!row) return;
    close();
    setText('');
    void navigate(row.to);
  };

  return (
    <>
      <Button
        variant="default"
        onClick={open}
        aria-label="Search everything"
        aria-keyshortcuts="Control+K /"
        leftSection={<IconSearch size={16} aria-hidden />}
        px={{ base: 'xs', sm: 'md' }}
      >
        <Group gap={6} visibleFrom="md" wrap="nowrap">
          <Text span size="sm" c="dimmed">
            Search
          </Text>
          <Kbd size="xs">Ctrl K</Kbd>
        </Group>
      </Button>
      <Modal opened={opened} onClose={close} title="Search" size="lg" yOffset="8vh">
        <Stack gap="sm">
          <TextInput
            data-autofocus
            label="Search applications, switches, DNs and options"
            placeholder="Name, host, DN number or option name"
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setActive(0);
            }}
            role="combobox"
            aria-expanded={rows.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={rows.length > 0 ? `${listId}-${current}` : undefined}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                setActive(Math.min(current + 1, rows.length - 1));
              } else if (e.key === 'ArrowUp') {
                e.preventDefault();
                setActive(Math.max(current - 1, 0));
              } else if (e.key === 'Enter') {
                e.preventDefault();
                go(rows[current]);
              }
            }}
            leftSection={<IconSearch size={16} aria-hidden />}
          />
          {search.isFetching && rows.length === 0 ? (
            <Center py="sm">
              <Loader size="sm" aria-label="Loading search results" />
            </Center>
          ) : null}
          {search.error ? (
            <Text role="alert" c="red" size="sm">
              {search.error instanceof Error ? search.error.message : 'The search failed.'}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed" role="status" data-testid="search-count">
            {q === ''
              ? 'Type to search.'
              : search.isSuccess
                ? total === 0
                  ? `Nothing matches “${q}”.`
                  : `${total} match${total === 1 ? '' : 'es'} for “${q}”`
                : ''}
          </Text>
          <Box id={listId} role="listbox" aria-label="Search results" style={{ maxHeight: '55vh', overflowY: 'auto' }}>
            {rows.map((r, i) => (
              <UnstyledButton
                key={r.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === current}
                tabIndex={-1}
                data-to={r.to}
                onClick={() => go(r)}
                onMouseMove={() => setActive(i)}
                w="100%"
                px="sm"
                py={6}
                style={{ borderRadius: 6, background: i === current ? 'var(--mantine-color-default-hover)' : undefined, display: 'block' }}
              >
                <Group gap="xs" wrap="nowrap" align="baseline">
                  <Badge size="sm" variant="light" color={KIND_COLOR[r.kind]} style={{ flex: 'none' }}>
                    {r.kind}
                  </Badge>
                  <Stack gap={0} style={{ minWidth: 0 }}>
                    <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                      {r.label}
                    </Text>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                      {r.detail}
                    </Text>
                  </Stack>
                </Group>
              </UnstyledButton>
            ))}
          </Box>
          {search.hasNextPage ? (
            <Button variant="subtle" onClick={() => void search.fetchNextPage()} loading={search.isFetchingNextPage}>
              More results
            </Button>
          ) : null}
        </Stack>
      </Modal>
    </>
  );
}
