import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataTable, listParams, useClientTable, type DataTableColumn } from './DataTable';
import { renderWithProviders } from '../test/utils';

interface Dn {
  id: number;
  number: string;
  type: string;
}

const allDns: Dn[] = Array.from({ length: 120 }, (_, i) => ({
  id: i + 1,
  number: String(7000 + i),
  type: i % 3 === 0 ? 'ACD queue' : 'Extension',
}));

const columns: DataTableColumn<Dn>[] = [
  { key: 'number', header: 'Number', value: (r) => r.number, sortable: true },
  { key: 'type', header: 'Type', value: (r) => r.type, sortable: true },
];

function ClientDns({ onRowClick }: { onRowClick?: (r: Dn) => void }) {
  const table = useClientTable(allDns, columns, { pageSize: 25 });
  return <DataTable label="DNs" columns={columns} getRowId={(r) => r.id} searchDebounceMs={0} onRowClick={onRowClick} {...table} />;
}

function bodyRows() {
  const table = screen.getByRole('table', { name: 'DNs' });
  return within(table).getAllByRole('row').slice(1);
}

describe('DataTable', () => {
  it('pages through rows and reports the range', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ClientDns />);
    expect(bodyRows()).toHaveLength(25);
    expect(screen.getByTestId('table-range')).toHaveTextContent('1–25 of 120');
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(screen.getByTestId('table-range')).toHaveTextContent('26–50 of 120');
    expect(within(bodyRows()[0]!).getByText('7025')).toBeInTheDocument();
  });

  it('sorts by a column, cycling ascending, descending, none', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ClientDns />);
    const header = screen.getByRole('columnheader', { name: /Number/ });
    expect(header).toHaveAttribute('aria-sort', 'none');
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'descending');
    expect(within(bodyRows()[0]!).getByText('7119')).toBeInTheDocument();
    await user.click(within(header).getByRole('button'));
    expect(header).toHaveAttribute('aria-sort', 'none');
  });

  it('searches and shows an empty state for no matches', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ClientDns />);
    const search = screen.getByRole('searchbox', { name: 'Search DNs' });
    await user.type(search, '7011');
    expect(await screen.findByText('1–1 of 1')).toBeInTheDocument();
    await user.clear(search);
    await user.type(search, 'nope');
    expect(await screen.findByText('No matches')).toBeInTheDocument();
  });

  it('opens a row by click or keyboard', async () => {
    const user = userEvent.setup();
    const onRowClick = vi.fn();
    renderWithProviders(<ClientDns onRowClick={onRowClick} />);
    const row = bodyRows()[1]!;
    await user.click(row);
    expect(onRowClick).toHaveBeenLastCalledWith(allDns[1]);
    bodyRows()[2]!.focus();
    await user.keyboard('{Enter}');
    expect(onRowClick).toHaveBeenLastCalledWith(allDns[2]);
  });

  it('shows the empty panel when there is nothing at all', () => {
    renderWithProviders(
      <DataTable label="Alarms" columns={[]} rows={[]} getRowId={() => 0} total={0} page={1} pageSize={25} onPageChange={() => {}} />,
    );
    expect(screen.getByText('Nothing here yet')).toBeInTheDocument();
  });

  it("builds the list endpoints' query", () => {
    expect(listParams({ page: 3, pageSize: 50, search: ' 70 ', sort: { key: 'number', direction: 'desc' } })).toEqual({
      page: 3,
      pageSize: 50,
      q: '70',
      sort: 'number',
      order: 'desc',
    });
    expect(listParams({ page: 1, pageSize: 25, search: '', sort: null })).toEqual({
      page: 1,
      pageSize: 25,
      q: undefined,
      sort: undefined,
      order: undefined,
    });
  });
});
