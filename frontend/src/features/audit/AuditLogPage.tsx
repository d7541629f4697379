import { Code, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { AuditEntry } from '../../api';
import { useAuditPage } from './api';
import { DataTable, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { errorMessage } from '../../lib/notify';
import { fmtTime } from '../../lib/format';
import { auditActionLabel } from './auditActions';

function detailText(d: unknown): string {
  if (d === null || d === undefined) return '';
  if (typeof d === 'string') return d;
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}

/** The server names the target as it was called when the entry was written (`user alice`); older entries have only the path. */
type LabelledAuditEntry = AuditEntry & { targetLabel?: string | null };

const columns: DataTableColumn<AuditEntry>[] = [
  {
    key: 'at',
    header: 'When',
    render: (e) => (
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        {fmtTime(e.at)}
      </Text>
    ),
  },
  { key: 'actor', header: 'Who', render: (e) => e.actor },
  // In words; the stored action (a route, say) stays in the tooltip for whoever needs it.
  {
    key: 'action',
    header: 'Action',
    render: (e) => (
      <Text size="sm" title={e.action} data-testid="audit-action">
        {auditActionLabel(e.action)}
      </Text>
    ),
  },
  {
    key: 'target',
    header: 'Target',
    render: (e) => <span title={e.target}>{(e as LabelledAuditEntry).targetLabel ?? e.target}</span>,
    visibleFrom: 'sm',
  },
  { key: 'configVersion', header: 'Version', render: (e) => (e.configVersion != null ? `v${e.configVersion}` : '—'), visibleFrom: 'md' },
  {
    key: 'detail',
    header: 'Detail',
    render: (e) => {
      const t = detailText(e.detail);
      return t ? <Code title={t}>{t.length > 80 ? `${t.slice(0, 80)}…` : t}</Code> : null;
    },
    visibleFrom: 'lg',
  },
];

export function AuditLogPage() {
  const [actor, setActor] = useState('');
  const [debouncedActor] = useDebouncedValue(actor.trim(), 300);
  const { query, tableProps } = useTableState({ pageSize: 50 });
  const audit = useAuditPage(query.page, query.pageSize, debouncedActor);
  return (
    <Page title="Audit log" description="Who changed what, and when.">
      <DataTable
        label="Audit log"
        columns={columns}
        rows={audit.data?.items ?? []}
        total={audit.data?.total ?? 0}
        getRowId={(e) => e.id}
        page={tableProps.page}
        pageSize={tableProps.pageSize}
        onPageChange={tableProps.onPageChange}
        onPageSizeChange={tableProps.onPageSizeChange}
        loading={audit.isPending}
        fetching={audit.isFetching && !audit.isPending}
        error={audit.isError ? errorMessage(audit.error) : undefined}
        toolbar={
          <TextInput
            aria-label="Filter by user"
            placeholder="Filter by user"
            value={actor}
            onChange={(e) => {
              setActor(e.currentTarget.value);
              tableProps.onPageChange(1);
            }}
            w={220}
          />
        }
        empty={
          <EmptyPanel
            title="No audit entries"
            description={debouncedActor ? `Nothing by “${debouncedActor}”.` : 'Changes will be recorded here.'}
          />
        }
      />
    </Page>
  );
}
