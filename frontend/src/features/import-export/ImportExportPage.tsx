import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, FileButton, Group, List, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconCircleCheck, IconDownload, IconFileUpload } from '@tabler/icons-react';
import { locatedErrors, type CommitResult, type LocatedError } from '../../api';
import { importExportApi } from './api';
import { Page } from '../../components/Page';
import { useCan } from '../auth/permissions';
import { errorMessage, notifyError, notifySuccess } from '../../lib/notify';
import { ChangesTable } from '../../components/config-edit/ChangesTable';
import { ViewerNotice } from '../../components/config-edit/OptionsFormLayout';

/** The server adds where in the YAML source an error is (1-based), when its path maps to a node of the document. */
type PositionedError = LocatedError & { line?: number; column?: number };

function ErrorList({ errors }: { errors: PositionedError[] }) {
  return (
    <Alert color="red" role="alert" title={`${errors.length} problem${errors.length === 1 ? '' : 's'}: nothing was imported`}>
      <List size="sm" spacing={4} data-testid="import-errors">
        {errors.map((e, i) => (
          <List.Item key={`${e.path}-${i}`}>
            {e.line ? <Text span size="xs" c="dimmed">{`line ${e.line}${e.column ? `:${e.column}` : ''} `}</Text> : null}
            <Text span ff="monospace" size="xs" fw={700}>
              {e.path || '(document)'}
            </Text>
            {': '}
            {e.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

function ExportCard() {
  const exp = useMutation({
    mutationFn: importExportApi.exportYaml,
    onSuccess: (yaml) => {
      const url = URL.createObjectURL(new Blob([yaml], { type: 'application/yaml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `sip-edge-config-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.yaml`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
    onError: (e) => notifyError(e, 'Export failed'),
  });
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="export-title">
      <Stack gap="xs">
        <Title order={2} size="h4" id="export-title">
          Export
        </Title>
        <Text size="sm" c="dimmed">
          Download the whole configuration (applications, switches, DNs and options) as a YAML document.
        </Text>
        <Group>
          <Button leftSection={<IconDownload size={16} aria-hidden />} onClick={() => exp.mutate()} loading={exp.isPending}>
            Download YAML
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function ImportCard({ canImport }: { canImport: boolean }) {
  const qc = useQueryClient();
  const [yaml, setYaml] = useState('');
  const [errors, setErrors] = useState<LocatedError[] | null>(null);
  const [preview, setPreview] = useState<CommitResult | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const clear = () => {
    setErrors(null);
    setPreview(null);
    setFailure(null);
  };
  const fail = (e: unknown) => {
    const located = locatedErrors(e);
    if (located.length) setErrors(located);
    else setFailure(errorMessage(e));
  };
  // Editors validate with a dry-run import (errors and the diff); viewers may only use POST /config/validate (errors).
  const validate = useMutation({
    mutationFn: async (): Promise<CommitResult | null> => {
      if (canImport) return importExportApi.importYaml(yaml, true);
      const res = await importExportApi.validate(yaml);
      if (!res.valid) {
        setErrors(res.errors);
        return null;
      }
      return { version: 0, committed: false, dryRun: true, changes: [] };
    },
    onMutate: clear,
    onSuccess: (res) => {
      if (res) setPreview(res);
    },
    onError: fail,
  });
  const doImport = useMutation({
    mutationFn: () => importExportApi.importYaml(yaml, false),
    onSuccess: (res) => {
      notifySuccess(`Imported as configuration version ${res.version}`);
      clear();
      void qc.invalidateQueries();
    },
    onError: fail,
  });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-title">
      <Stack gap="sm">
        <Title order={2} size="h4" id="import-title">
          Import
        </Title>
        <Text size="sm" c="dimmed">
          Upload or paste a YAML document. Validate it first (nothing is saved), then import it: it replaces the whole configuration as a
          new version.
        </Text>
        <Group>
          <FileButton
            accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
            onChange={(file) => {
              if (!file) return;
              void file.text().then((t) => {
                setYaml(t);
                clear();
              });
            }}
          >
            {(props) => (
              <Button {...props} variant="default" leftSection={<IconFileUpload size={16} aria-hidden />}>
                Upload YAML file
              </Button>
            )}
          </FileButton>
        </Group>
        <Textarea
          label="YAML document"
          value={yaml}
          onChange={(e) => {
            setYaml(e.currentTarget.value);
            clear();
          }}
          autosize
          minRows={10}
          maxRows={24}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          placeholder={'version: 1\napplications:\n  - name: SIPServer_A\n    type: sip-server\n…'}
        />
        {failure ? (
          <Alert color="red" role="alert" title="Failed">
            {failure}
          </Alert>
        ) : null}
        {errors && errors.length > 0 ? <ErrorList errors={errors} /> : null}
        {preview ? (
          <Stack gap="xs">
            <Alert color="green" icon={<IconCircleCheck aria-hidden />} role="status" title="Valid">
              {canImport
                ? `The document is valid. Importing it makes ${preview.changes.length} change${preview.changes.length === 1 ? '' : 's'}.`
                : 'The document is valid.'}
            </Alert>
            {canImport ? <ChangesTable changes={preview.changes} label="Import changes" /> : null}
          </Stack>
        ) : null}
        <Group justify="flex-end">
          <Button variant="light" onClick={() => validate.mutate()} disabled={!yaml.trim()} loading={validate.isPending}>
            Validate
          </Button>
          {canImport ? (
            <Button onClick={() => doImport.mutate()} disabled={!preview || doImport.isPending} loading={doImport.isPending}>
              Import
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}

export function ImportExportPage() {
  const canImport = useCan('import-config');
  return (
    <Page title="Import/Export" description="Import or export the whole configuration as a YAML document.">
      <ExportCard />
      {!canImport ? <ViewerNotice /> : null}
      <ImportCard canImport={canImport} />
    </Page>
  );
}
