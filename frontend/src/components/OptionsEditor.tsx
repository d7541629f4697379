import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Code, Group, Paper, SimpleGrid, Stack, Switch, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconSearch } from '@tabler/icons-react';
import type { FieldError, OptionSchemaEntry, OptionSchemaResponse } from '../api';
import type { OptionValue } from '../lib/options';
import { OptionField } from './OptionField';

/** Option values of one object, by section then option name (the YAML document's `options:` block). */
export type OptionSections = Record<string, Record<string, OptionValue | undefined>>;

export interface OptionsEditorProps {
  schema: OptionSchemaResponse;
  /** Object kind, e.g. 'sip-proxy', 'sip-server', 'voip-service', 'trunk', 'extension'. */
  kind: string;
  value: OptionSections;
  onChange: (next: OptionSections) => void;
  /** Server validation errors; those under `errorPathPrefix` are shown on their fields. */
  errors?: FieldError[];
  /** Path of this object's options in server errors, e.g. `applications[2].options`; errors are matched as `<prefix>.<section>.<name>`. */
  errorPathPrefix?: string;
  /** Told whether every field passes its own validation, so the page can disable Save. */
  onValidityChange?: (valid: boolean) => void;
  readOnly?: boolean;
  /** Values to offer per option, keyed `<section>.<name>` (e.g. `sipproxy.applications`: the primaries). */
  suggestions?: Record<string, string[]>;
  /** Option names shown first, in this order (what this object needs, e.g. a new pool DN's mandatory options). */
  firstOptions?: string[];
}

function matches(o: OptionSchemaEntry, needle: string): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return (
    o.name.toLowerCase().includes(n) ||
    (o.aliases ?? []).some((a) => a.toLowerCase().includes(n)) ||
    o.description.toLowerCase().includes(n)
  );
}

/**
 * Every option of one object kind, a tab per section, each field generated from the schema (OptionField).
 * Options set on the object but unknown to the schema are listed, not dropped.
 */
export function OptionsEditor({
  schema,
  kind,
  value,
  onChange,
  errors = [],
  errorPathPrefix,
  onValidityChange,
  readOnly,
  suggestions,
  firstOptions,
}: OptionsEditorProps) {
  const sections = useMemo(() => schema.objects[kind] ?? [], [schema, kind]);
  const [filter, setFilter] = useState('');
  const [onlySet, setOnlySet] = useState(false);
  const [invalid, setInvalid] = useState<Record<string, true>>({});
  const [tab, setTab] = useState<string | null>(sections[0] ?? null);

  const bySection = useMemo(() => {
    const out: Record<string, OptionSchemaEntry[]> = {};
    for (const s of sections) out[s] = schema.options.filter((o) => o.section === s && (o.objects ?? []).includes(kind));
    return out;
  }, [schema, kind, sections]);

  const unknown = useMemo(() => {
    const out: { section: string; name: string; value: unknown }[] = [];
    for (const [section, opts] of Object.entries(value)) {
      for (const [name, v] of Object.entries(opts ?? {})) {
        if (v === undefined) continue;
        const known = (bySection[section] ?? []).some((o) => o.name === name || (o.aliases ?? []).includes(name));
        if (!known) out.push({ section, name, value: v });
      }
    }
    return out;
  }, [value, bySection]);

  const errorFor = (section: string, name: string): string | undefined => {
    const path = `${errorPathPrefix ? `${errorPathPrefix}.` : ''}${section}.${name}`;
    return errors.find((e) => e.path === path)?.message;
  };

  const onValidate = useCallback((key: string, message: string | null) => {
    setInvalid((prev) => {
      if (!!prev[key] === !!message) return prev;
      const next = { ...prev };
      if (message) next[key] = true;
      else delete next[key];
      return next;
    });
  }, []);

  const allValid = Object.keys(invalid).length === 0;
  useEffect(() => {
    onValidityChange?.(allValid);
  }, [allValid, onValidityChange]);

  const setOption = (section: string, name: string, v: OptionValue | undefined) => {
    const sec = { ...(value[section] ?? {}) };
    if (v === undefined) delete sec[name];
    else sec[name] = v;
    onChange({ ...value, [section]: sec });
  };

  if (sections.length === 0) {
    return <Text c="dimmed">The option schema has no sections for “{kind}”.</Text>;
  }

  return (
    <Stack gap="md">
      <Group gap="md" wrap="wrap">
        <TextInput
          aria-label="Filter options"
          placeholder="Filter options by name or description"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value)}
          w={{ base: '100%', xs: 340 }}
          type="search"
        />
        <Switch label="Only options set here" checked={onlySet} onChange={(e) => setOnlySet(e.currentTarget.checked)} />
      </Group>

      <Tabs value={tab} onChange={setTab} keepMounted>
        <Tabs.List>
          {sections.map((s) => {
            const setCount = Object.values(value[s] ?? {}).filter((v) => v !== undefined).length;
            const errCount = (bySection[s] ?? []).filter((o) => errorFor(s, o.name) || invalid[`${s}.${o.name}`]).length;
            return (
              <Tabs.Tab
                key={s}
                value={s}
                rightSection={
                  errCount > 0 ? (
                    <Badge size="xs" color="red" variant="filled" aria-label={`${errCount} with errors`}>
                      {errCount}
                    </Badge>
                  ) : setCount > 0 ? (
                    <Badge size="xs" variant="light" aria-label={`${setCount} set`}>
                      {setCount}
                    </Badge>
                  ) : null
                }
              >
                [{s}]
              </Tabs.Tab>
            );
          })}
        </Tabs.List>
        {sections.map((s) => {
          const rank = (o: OptionSchemaEntry) => {
            const i = firstOptions?.indexOf(o.name) ?? -1;
            return i < 0 ? Number.MAX_SAFE_INTEGER : i;
          };
          const shown = (bySection[s] ?? [])
            .filter((o) => matches(o, filter.trim()) && (!onlySet || value[s]?.[o.name] !== undefined || !!errorFor(s, o.name)))
            .map((o, i) => ({ o, i }))
            .sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i)
            .map(({ o }) => o);
          return (
            <Tabs.Panel key={s} value={s} pt="md">
              {shown.length === 0 ? (
                <Text c="dimmed" size="sm">
                  No options match.
                </Text>
              ) : (
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg" verticalSpacing="lg">
                  {shown.map((o) => (
                    <OptionField
                      key={o.name}
                      option={o}
                      value={value[s]?.[o.name]}
                      onChange={(v) => setOption(s, o.name, v)}
                      error={errorFor(s, o.name)}
                      onValidate={(_, m) => onValidate(`${s}.${o.name}`, m)}
                      readOnly={readOnly}
                      suggestions={suggestions?.[`${s}.${o.name}`]}
                    />
                  ))}
                </SimpleGrid>
              )}
            </Tabs.Panel>
          );
        })}
      </Tabs>

      {unknown.length > 0 ? (
        <Paper withBorder p="md" radius="md">
          <Stack gap="xs">
            <Title order={3} size="h5">
              Options the schema does not know
            </Title>
            <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} p="xs">
              These are kept as they are; the control plane will report them if they are not allowed.
            </Alert>
            {unknown.map((u) => (
              <Text size="sm" key={`${u.section}.${u.name}`}>
                <Code>
                  [{u.section}] {u.name} = {Array.isArray(u.value) ? u.value.join(', ') : String(u.value)}
                </Code>
              </Text>
            ))}
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}
