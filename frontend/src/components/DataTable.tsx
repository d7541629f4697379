import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import {
  Alert,
  Box,
  Center,
  CloseButton,
  Group,
  Loader,
  LoadingOverlay,
  Pagination,
  ScrollArea,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  UnstyledButton,
  type MantineBreakpoint,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconChevronDown, IconChevronUp, IconSearch, IconSelector } from '@tabler/icons-react';
import { EmptyPanel } from './EmptyPanel';
import classes from './DataTable.module.css';

export type SortDirection = 'asc' | 'desc';

export interface SortState {
  /** Column key, sent to the server as the sort field. */
  key: string;
  direction: SortDirection;
}

export interface DataTableColumn<T> {
  /** Stable id; also the sort field name sent to the server. */
  key: string;
  header: string;
  /** Cell content; defaults to `value(row)` as text. */
  render?: (row: T) => ReactNode;
  /** Plain value, used by the default renderer and by client-side sort and search. */
  value?: (row: T) => string | number | boolean | null | undefined;
  sortable?: boolean;
  /** Included in client-side search (default true when `value` is given). */
  searchable?: boolean;
  width?: number | string;
  align?: 'left' | 'center' | 'right';
  /** Hide the column below this breakpoint (narrow screens). */
  visibleFrom?: MantineBreakpoint;
}

export interface DataTableProps<T> {
  /** Accessible name of the table (and of its search box: "Search <label>"). */
  label: string;
  columns: DataTableColumn<T>[];
  /** Rows of the current page only. */
  rows: T[];
  getRowId: (row: T) => string | number;
  /** Total rows matching the search, across all pages (from the server). */
  total: number;
  /** 1-based page number. */
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  pageSizeOptions?: number[];
  onPageSizeChange?: (size: number) => void;
  sort?: SortState | null;
  /** Cycles asc -> desc -> none on header click; omit to disable sorting. */
  onSortChange?: (sort: SortState | null) => void;
  /** Search text as applied (debounced); omit `onSearchChange` to hide the search box. */
  search?: string;
  onSearchChange?: (search: string) => void;
  searchPlaceholder?: string;
  searchDebounceMs?: number;
  /** First load: shows a loader instead of the table. */
  loading?: boolean;
  /** Refetching with rows already shown: dims the table. */
  fetching?: boolean;
  error?: ReactNode;
  /** Shown when there are no rows and no search. */
  empty?: ReactNode;
  onRowClick?: (row: T) => void;
  /** Extra controls beside the search box (filters, "New" button). */
  toolbar?: ReactNode;
  /** Highlights a row (e.g. out of service). */
  rowColor?: (row: T) => string | undefined;
}

function nextSort(current: SortState | null | undefined, key: string): SortState | null {
  if (!current || current.key !== key) return { key, direction: 'asc' };
  if (current.direction === 'asc') return { key, direction: 'desc' };
  return null;
}

function SortIcon({ state }: { state: SortDirection | null }) {
  const Icon = state === 'asc' ? IconChevronUp : state === 'desc' ? IconChevronDown : IconSelector;
  return <Icon size={14} stroke={1.8} aria-hidden />;
}

/**
 * A table for long lists (thousands of DNs): the parent owns paging, sorting and search so they can be
 * sent to the server; `useClientTable` provides the same props for in-memory lists.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  getRowId,
  total,
  page,
  pageSize,
  onPageChange,
  pageSizeOptions = [25, 50, 100, 250],
  onPageSizeChange,
  sort,
  onSortChange,
  search = '',
  onSearchChange,
  searchPlaceholder,
  searchDebounceMs = 300,
  loading,
  fetching,
  error,
  empty,
  onRowClick,
  toolbar,
  rowColor,
}: DataTableProps<T>) {
  const [searchText, setSearchText] = useState(search);
  const [debounced] = useDebouncedValue(searchText, searchDebounceMs);

  // What we last told the parent; a `search` prop equal to it is our own echo and must not overwrite
  // newer typing. Anything else is the parent changing the search itself (e.g. "clear filters").
  const lastEmitted = useRef(search);
  useEffect(() => {
    if (search !== lastEmitted.current) {
      lastEmitted.current = search;
      setSearchText(search);
    }
  }, [search]);

  useEffect(() => {
    if (onSearchChange && debounced !== lastEmitted.current) {
      lastEmitted.current = debounced;
      onSearchChange(debounced);
    }
    // Only the debounced text should trigger this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [debounced]);

  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const fmt = (n: number) => n.toLocaleString();

  const rowKeyDown = (row: T) => (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onRowClick?.(row);
    }
  };

  let body: ReactNode;
  if (loading) {
    body = (
      <Center py="xl">
        <Loader aria-label={`Loading ${label}`} />
      </Center>
    );
  } else if (rows.length === 0 && !error) {
    body = search ? (
      <EmptyPanel
        title="No matches"
        description={`Nothing in ${label.toLowerCase()} matches “${search}”.`}
        icon={<IconSearch aria-hidden />}
      />
    ) : (
      (empty ?? <EmptyPanel />)
    );
  } else {
    body = (
      <Box pos="relative">
        <LoadingOverlay visible={!!fetching} overlayProps={{ blur: 0, backgroundOpacity: 0.3 }} loaderProps={{ size: 'sm' }} />
        <ScrollArea type="auto">
          <Table
            aria-label={label}
            aria-rowcount={total + 1}
            aria-busy={fetching || undefined}
            highlightOnHover={!!onRowClick}
            stickyHeader
            striped
            verticalSpacing="xs"
            tabularNums
          >
            <Table.Thead>
              <Table.Tr>
                {columns.map((c) => {
                  const state = sort?.key === c.key ? sort.direction : null;
                  const sortable = !!(c.sortable && onSortChange);
                  return (
                    <Table.Th
                      key={c.key}
                      w={c.width}
                      ta={c.align}
                      visibleFrom={c.visibleFrom}
                      aria-sort={sortable ? (state === 'asc' ? 'ascending' : state === 'desc' ? 'descending' : 'none') : undefined}
                      scope="col"
                    >
                      {sortable ? (
                        <UnstyledButton className={classes.sortButton} onClick={() => onSortChange?.(nextSort(sort, c.key))}>
                          <span>{c.header}</span>
                          <SortIcon state={state} />
                        </UnstyledButton>
                      ) : (
                        c.header
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row, i) => {
                const color = rowColor?.(row);
                return (
                  <Table.Tr
                    key={getRowId(row)}
                    aria-rowindex={(page - 1) * pageSize + i + 2}
                    className={onRowClick ? classes.clickable : undefined}
                    onClick={
                      onRowClick
                        ? (e) => {
                            if (!isInteractive(e.target, e.currentTarget)) onRowClick(row);
                          }
                        : undefined
                    }
                    onKeyDown={onRowClick ? rowKeyDown(row) : undefined}
                    tabIndex={onRowClick ? 0 : undefined}
                    bg={color}
                  >
                    {columns.map((c) => (
                      <Table.Td key={c.key} ta={c.align} visibleFrom={c.visibleFrom}>
                        {c.render ? c.render(row) : String(c.value?.(row) ?? '')}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      </Box>
    );
  }

  return (
    <Stack gap="sm">
      {onSearchChange || toolbar ? (
        <Group justify="space-between" gap="sm" wrap="wrap">
          {onSearchChange ? (
            <TextInput
              aria-label={`Search ${label}`}
              placeholder={searchPlaceholder ?? 'Search…'}
              leftSection={<IconSearch size={16} aria-hidden />}
              value={searchText}
              onChange={(e) => setSearchText(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setSearchText('');
              }}
              rightSection={searchText ? <CloseButton size="sm" aria-label="Clear search" onClick={() => setSearchText('')} /> : null}
              w={{ base: '100%', xs: 320 }}
              type="search"
            />
          ) : (
            <span />
          )}
          {toolbar ? <Group gap="sm">{toolbar}</Group> : null}
        </Group>
      ) : null}

      {error ? (
        <Alert color="red" role="alert" icon={<IconAlertCircle aria-hidden />}>
          {error}
        </Alert>
      ) : null}

      {body}

      {!loading && total > 0 ? (
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="table-range">
              {`${fmt(first)}–${fmt(last)} of ${fmt(total)}`}
            </Text>
            {onPageSizeChange ? (
              <Select
                aria-label="Rows per page"
                size="xs"
                w={90}
                data={[...new Set([...pageSizeOptions, pageSize])].sort((a, b) => a - b).map(String)}
                value={String(pageSize)}
                onChange={(v) => v && onPageSizeChange(Number(v))}
                allowDeselect={false}
              />
            ) : null}
          </Group>
          {pageCount > 1 ? (
            <Pagination
              total={pageCount}
              value={Math.min(page, pageCount)}
              onChange={onPageChange}
              size="sm"
              withEdges
              siblings={1}
              aria-label={`${label} pages`}
              getItemProps={(p) => ({ 'aria-label': `Page ${p}`, 'aria-current': p === page ? 'page' : undefined })}
              getControlProps={(control) => ({
                'aria-label': { first: 'First page', previous: 'Previous page', next: 'Next page', last: 'Last page' }[control],
              })}
            />
          ) : null}
        </Group>
      ) : null}
    </Stack>
  );
}

export interface TableQuery {
  page: number;
  pageSize: number;
  sort: SortState | null;
  search: string;
}

/**
 * The query string the control plane's list endpoints take (`?page=&pageSize=&q=&sort=&order=asc|desc`,
 * backend/src/control-plane/common/query.ts, `listFields`), for `api.get(path, { query: listParams(query) })`.
 */
export function listParams(query: TableQuery): Record<string, string | number | undefined> {
  return {
    page: query.page,
    pageSize: query.pageSize,
    q: query.search.trim() || undefined,
    sort: query.sort?.key,
    order: query.sort?.direction,
  };
}

type TableStateProps = Pick<
  DataTableProps<unknown>,
  'page' | 'pageSize' | 'onPageChange' | 'onPageSizeChange' | 'sort' | 'onSortChange' | 'search' | 'onSearchChange'
>;

/**
 * Paging/sort/search state for a server-paged table: `query` goes into the API call (and the query key),
 * `tableProps` spread onto DataTable. Changing search, sort or page size goes back to page 1.
 */
export function useTableState(initial: Partial<TableQuery> = {}): { query: TableQuery; tableProps: TableStateProps } {
  const [query, setQuery] = useState<TableQuery>({
    page: initial.page ?? 1,
    pageSize: initial.pageSize ?? 50,
    sort: initial.sort ?? null,
    search: initial.search ?? '',
  });
  const tableProps: TableStateProps = {
    page: query.page,
    pageSize: query.pageSize,
    sort: query.sort,
    search: query.search,
    onPageChange: (page) => setQuery((q) => ({ ...q, page })),
    onPageSizeChange: (pageSize) => setQuery((q) => ({ ...q, pageSize, page: 1 })),
    onSortChange: (sort) => setQuery((q) => ({ ...q, sort, page: 1 })),
    onSearchChange: (search) => setQuery((q) => ({ ...q, search, page: 1 })),
  };
  return { query, tableProps };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

/** Same props as the server-paged mode, computed from an in-memory list (sort, search, page). */
export function useClientTable<T>(
  allRows: T[],
  columns: DataTableColumn<T>[],
  initial: Partial<TableQuery> = {},
): TableStateProps & { rows: T[]; total: number } {
  const { query, tableProps } = useTableState(initial);
  const filtered = useMemo(() => {
    const needle = query.search.trim().toLowerCase();
    let out = allRows;
    if (needle) {
      const searchCols = columns.filter((c) => c.value && c.searchable !== false);
      out = out.filter((r) =>
        searchCols.some((c) =>
          String(c.value!(r) ?? '')
            .toLowerCase()
            .includes(needle),
        ),
      );
    }
    if (query.sort) {
      const col = columns.find((c) => c.key === query.sort!.key);
      if (col?.value) {
        const dir = query.sort.direction === 'asc' ? 1 : -1;
        out = [...out].sort((a, b) => dir * compareValues(col.value!(a), col.value!(b)));
      }
    }
    return out;
  }, [allRows, columns, query.search, query.sort]);
  const pageCount = Math.max(1, Math.ceil(filtered.length / query.pageSize));
  const page = Math.min(query.page, pageCount);
  const rows = filtered.slice((page - 1) * query.pageSize, page * query.pageSize);
  return { ...tableProps, page, rows, total: filtered.length };
}

/** A click on a link, button or field inside a clickable row is that control's, not the row's. */
function isInteractive(target: EventTarget, row: Element): boolean {
  const el = target instanceof Element ? target.closest('a, button, input, select, textarea, [role="button"], [role="link"]') : null;
  return !!el && el !== row && row.contains(el);
}
