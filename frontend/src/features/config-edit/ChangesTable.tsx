import { Badge, Code, ScrollArea, Table, Text } from '@mantine/core';
import type { DocumentChange } from '../../api/config';

const OP_COLOR: Record<DocumentChange['op'], string> = { add: 'green', remove: 'red', change: 'blue' };

function show(v: unknown) {
  if (v === undefined || v === null || v === '') {
    return (
      <Text span c="dimmed" size="sm">
        —
      </Text>
    );
  }
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return (
    <Code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{s.length > 300 ? `${s.slice(0, 300)}…` : s}</Code>
  );
}

/** A configuration diff (DocumentChange[]) as a table: what, which field, before -> after. */
export function ChangesTable({ changes, label = 'Changes' }: { changes: DocumentChange[]; label?: string }) {
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
            <Table.Th>Change</Table.Th>
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
                <Badge size="sm" variant="light" color={OP_COLOR[c.op]}>
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
