import { Badge, Code, ScrollArea, Stack, Table, Text } from '@mantine/core';
import type { DocumentChange } from '../../api';
import type { OptionSchemaResponse } from '../../api';
import { TakesEffectBadge } from '../OptionField';

const OP_COLOR: Record<DocumentChange['op'], string> = { add: 'green', remove: 'red', change: 'blue' };

/** Flattens an added/removed object into `path = value` lines ("options.TServer.contact = …"). */
function flatten(v: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, Array.isArray(v) ? v.join(', ') : String(v)]);
  }
  return out;
}

function show(v: unknown) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const lines = flatten(v).filter(([k]) => k !== 'name' && k !== 'number');
    const shown = lines.slice(0, 12);
    return (
      <Stack gap={0}>
        {shown.map(([k, x]) => (
          <Text key={k} size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
            {k} = <b>{x.length > 120 ? `${x.slice(0, 120)}…` : x}</b>
          </Text>
        ))}
        {lines.length > shown.length ? (
          <Text size="xs" c="dimmed">
            … and {lines.length - shown.length} more
          </Text>
        ) : null}
      </Stack>
    );
  }
  if (v === undefined || v === null || v === '') {
    return (
      <Text span c="dimmed" size="sm">
        —
      </Text>
    );
  }
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{s.length > 300 ? `${s.slice(0, 300)}…` : s}</Code>;
}

/** A configuration diff (DocumentChange[]) as a table: what, which field, before -> after. */
/** The schema entry of an option change (`options.<section>.<name>`), to say when it takes effect. */
function optionOf(schema: OptionSchemaResponse | undefined, field: string | undefined) {
  const m = /^options\.([^.]+)\.(.+)$/.exec(field ?? '');
  if (!schema || !m) return undefined;
  return schema.options.find((o) => o.section === m[1] && (o.name === m[2] || (o.aliases ?? []).includes(m[2]!)));
}

export function ChangesTable({
  changes,
  label = 'Changes',
  schema,
}: {
  changes: DocumentChange[];
  label?: string;
  /** When given, option changes show when they take effect (now / next call / after restart). */
  schema?: OptionSchemaResponse;
}) {
  if (changes.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="no-changes">
        No changes.
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={420} type="auto">
      <Table aria-label={label} striped verticalSpacing={6} fz="sm" stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={90}>Change</Table.Th>
            <Table.Th>Object</Table.Th>
            <Table.Th>Field</Table.Th>
            <Table.Th>Before</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {changes.map((c, i) => (
            <Table.Tr key={`${c.object}-${c.name}-${c.field ?? ''}-${i}`}>
              <Table.Td>
                <Badge size="sm" variant="light" color={OP_COLOR[c.op]} style={{ flex: 'none', overflow: 'visible' }}>
                  {c.op}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  {c.object} <b>{c.name}</b>
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {c.field ?? ''}
                </Text>
                {(() => {
                  const o = optionOf(schema, c.field);
                  return o ? <TakesEffectBadge takesEffect={o.takesEffect} text={o.takesEffectText} /> : null;
                })()}
              </Table.Td>
              <Table.Td>{show(c.before)}</Table.Td>
              <Table.Td>{show(c.after)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
