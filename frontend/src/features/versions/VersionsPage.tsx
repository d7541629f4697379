import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Code, Group, Loader, Modal, NumberInput, Paper, ScrollArea, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowBackUp, IconEye } from '@tabler/icons-react';
import type { VersionSummary } from '../../api';
import { DataTable, useTableState, type DataTableColumn } from '../../components/DataTable';
import { EmptyPanel } from '../../components/EmptyPanel';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { fmtTime } from '../../lib/format';
import { useOptionSchema } from '../options/api';
import { useDiff, useHeadVersion, useVersion, useVersionsPage, versionsApi } from './api';

function VersionModal({ version, onClose }: { version: number | null; onClose: () => void }) {
  const detail = useVersion(version);
  return (
    <Modal opened={version !== null} onClose={onClose} title={`Version ${version ?? ''}`} size="xl">
      {detail.isPending ? (
        <Loader aria-label="Loading version" />
      ) : detail.isError ? (
        <Alert color="red" role="alert">
          {errorMessage(detail.error)}
        </Alert>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {fmtTime(detail.data.createdAt)} by {detail.data.author}: {detail.data.summary}
          </Text>
          <Tabs defaultValue="yaml">
            <Tabs.List>
              <Tabs.Tab value="yaml">YAML</Tabs.Tab>
              <Tabs.Tab value="changes">Changes ({detail.data.changes.length})</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="yaml" pt="sm">
              <ScrollArea.Autosize mah={480} type="auto">
                <Code block data-testid="version-yaml" aria-label={`YAML of version ${version}`}>
                  {detail.data.yaml}
                </Code>
              </ScrollArea.Autosize>
            </Tabs.Panel>
            <Tabs.Panel value="changes" pt="sm">
              <ChangesTable changes={detail.data.changes} label={`Changes in version ${version}`} />
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Modal>
  );
}

/**
 * Rollback is reviewed like any change (issue 19): the differences from the current version to the one rolled back to
 * are shown first (GET /api/config/diff), and only "Roll back" after reading them sends the POST.
 */
function RollbackModal({ version, onClose }: { version: number | null; onClose: () => void }) {
  const qc = useQueryClient();
  const schema = useOptionSchema();
  const head = useHeadVersion(version !== null);
  const current = head.data?.version;
  const diff = useDiff(current, version);
  const rollback = useMutation({
    mutationFn: () => versionsApi.rollback(version!, current!),
    onSuccess: (res) => {
      notifySuccess(`Rolled back to version ${version}; saved as version ${res.version}`);
      void qc.invalidateQueries();
      onClose();
    },
    onError: (e) => notifyError(e, 'Rollback failed'),
  });
  const failed = head.isError ? head.error : diff.isError ? diff.error : null;
  return (
    <Modal opened={version !== null} onClose={onClose} title={`Roll back to version ${version ?? ''}?`} size="xl">
      <Stack>
        <Text size="sm">
          The configuration becomes what it was in version {version}, saved as a new version. Workers apply it at once; options that need a
          restart will show restart pending. Review what changes:
        </Text>
        {failed ? (
          <Alert color="red" role="alert">
            {errorMessage(failed)}
          </Alert>
        ) : !diff.data ? (
          <Loader size="sm" aria-label="Loading differences" />
        ) : diff.data.changes.length === 0 ? (
          <Text size="sm">
            Version {version} is the same as the current version {current}: nothing changes.
          </Text>
        ) : (
          <ChangesTable changes={diff.data.changes} label={`Changes from version ${current} to version ${version}`} schema={schema.data} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button color="orange" onClick={() => rollback.mutate()} loading={rollback.isPending} disabled={!diff.data}>
            Roll back
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DiffPanel({ latest }: { latest?: number }) {
  const [from, setFrom] = useState<number | ''>('');
  const [to, setTo] = useState<number | ''>('');
  const [asked, setAsked] = useState<{ from: number; to: number } | null>(null);
  const diff = useDiff(asked?.from, asked?.to);
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="diff-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="diff-title">
          Compare versions
        </Title>
        <Group align="flex-end">
          <NumberInput
            label="From version"
            value={from}
            onChange={(v) => setFrom(v === '' ? '' : Number(v))}
            min={0}
            max={latest}
            allowDecimal={false}
            w={140}
          />
          <NumberInput
            label="To version"
            value={to}
            onChange={(v) => setTo(v === '' ? '' : Number(v))}
            min={0}
            max={latest}
            allowDecimal={false}
            w={140}
          />
          <Button onClick={() => from !== '' && to !== '' && setAsked({ from, to })} disabled={from === '' || to === ''} variant="light">
            Compare
          </Button>
        </Group>
        {asked ? (
          diff.isPending ? (
            <Loader size="sm" aria-label="Loading differences" />
          ) : diff.isError ? (
            <Alert color="red" role="alert">
              {errorMessage(diff.error)}
            </Alert>
          ) : (
            <ChangesTable changes={diff.data.changes} label={`Differences from version ${asked.from} to ${asked.to}`} />
          )
        ) : null}
      </Stack>
    </Paper>
  );
}

export function VersionsPage() {
  const canEdit = useCan('edit-config');
  const [viewing, setViewing] = useState<number | null>(null);
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const { query, tableProps } = useTableState({ pageSize: 25 });
  const versions = useVersionsPage(query.page, query.pageSize);
  const latest = versions.data?.items.reduce((m, v) => Math.max(m, v.version), 0);
  const columns: DataTableColumn<VersionSummary>[] = [
    {
      key: 'version',
      header: 'Version',
      render: (v) => (
        <Text fw={600} size="sm">
          v{v.version}
        </Text>
      ),
    },
    { key: 'createdAt', header: 'Saved', render: (v) => fmtTime(v.createdAt) },
    { key: 'author', header: 'Author', render: (v) => v.author },
    {
      key: 'summary',
      header: 'Summary',
      render: (v) => (
        <Text size="sm" lineClamp={2}>
          {v.summary}
        </Text>
      ),
    },
    { key: 'changeCount', header: 'Changes', render: (v) => v.changeCount, align: 'right', visibleFrom: 'sm' },
    {
      key: 'actions',
      header: 'Actions',
      render: (v) => (
        <Group gap={6} wrap="nowrap">
          <Button
            size="compact-xs"
            variant="light"
            leftSection={<IconEye size={12} aria-hidden />}
            aria-label={`View version ${v.version}`}
            onClick={() => setViewing(v.version)}
          >
            View
          </Button>
          {canEdit && v.version !== latest ? (
            <Button
              size="compact-xs"
              variant="light"
              color="orange"
              leftSection={<IconArrowBackUp size={12} aria-hidden />}
              aria-label={`Roll back to version ${v.version}`}
              onClick={() => setRollingBack(v.version)}
            >
              Roll back
            </Button>
          ) : null}
        </Group>
      ),
    },
  ];
  return (
    <Page title="Versions" description="Every saved configuration: what changed, who saved it; view, compare and roll back.">
      <DataTable
        label="Configuration versions"
        columns={columns}
        rows={versions.data?.items ?? []}
        total={versions.data?.total ?? 0}
        getRowId={(v) => v.version}
        page={tableProps.page}
        pageSize={tableProps.pageSize}
        onPageChange={tableProps.onPageChange}
        onPageSizeChange={tableProps.onPageSizeChange}
        loading={versions.isPending}
        fetching={versions.isFetching && !versions.isPending}
        error={versions.isError ? errorMessage(versions.error) : undefined}
        empty={<EmptyPanel title="No versions yet" description="Import a configuration or save a change to create the first version." />}
      />
      <DiffPanel latest={latest} />
      <VersionModal version={viewing} onClose={() => setViewing(null)} />
      {canEdit ? <RollbackModal version={rollingBack} onClose={() => setRollingBack(null)} /> : null}
    </Page>
  );
}
