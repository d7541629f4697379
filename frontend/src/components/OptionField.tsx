import { useEffect, useId, useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Badge,
  Group,
  Input,
  NumberInput,
  Select,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import type { OptionSchemaEntry } from '../api/types';
import {
  TAKES_EFFECT,
  boundsOf,
  formatDefault,
  parseBool,
  rangeHint,
  splitList,
  validValuesOf,
  validateOptionValue,
  widgetFor,
  type OptionValue,
} from '../lib/options';
import classes from './OptionField.module.css';

export interface OptionFieldProps {
  /** The option-schema entry (from `GET /api/options/schema`). */
  option: OptionSchemaEntry;
  /** Current value; `undefined` means not set here, so the default applies. */
  value: OptionValue | undefined;
  /** Called with the new value, or `undefined` when the user resets the option to its default. */
  onChange: (value: OptionValue | undefined) => void;
  /** Error from the server for this option (e.g. a validation error mapped by path). Shown until the user edits the field. */
  error?: string | null;
  /** Called with the local validation message (or null) whenever it changes, so a form can block submit. */
  onValidate?: (name: string, message: string | null) => void;
  onBlur?: () => void;
  disabled?: boolean;
  readOnly?: boolean;
  /** Visible label; defaults to the option name (which is also the accessible name when a string). */
  label?: string;
  /** Input id; generated when omitted. */
  id?: string;
  /**
   * Values worth offering that the registry cannot know (names of objects of this document, e.g. the SIP Servers a
   * proxy may monitor); offered, not enforced: the server still decides.
   */
  suggestions?: string[];
}

/** "now" / "next call" / "after restart", coloured; the tooltip gives the full sentence. */
export function TakesEffectBadge({
  takesEffect,
  text,
}: {
  takesEffect: OptionSchemaEntry['takesEffect'];
  /** The guide's own words (e.g. "After SIP Proxy restart"), shown in the tooltip. */
  text?: string;
}) {
  const t = TAKES_EFFECT[takesEffect] ?? { badge: takesEffect, long: takesEffect, color: 'gray' };
  return (
    <Tooltip label={text ?? t.long} withinPortal>
      <Badge component="span" size="xs" variant="light" color={t.color} data-testid="takes-effect-badge" data-takes-effect={takesEffect}>
        {t.badge}
      </Badge>
    </Tooltip>
  );
}

function Hints({ option }: { option: OptionSchemaEntry }) {
  const widget = widgetFor(option.type);
  const valid = validValuesOf(option);
  const parts: string[] = [`Default: ${formatDefault(option)}`];
  const range = widget === 'int' ? rangeHint(option) : undefined;
  if (range) parts.push(range);
  if (valid.length > 0 && widget !== 'bool') {
    parts.push(`${widget === 'list' ? 'Allowed values' : 'One of'}: ${valid.join(', ')}`);
  } else if (option.validValuesText && widget !== 'int' && widget !== 'bool') {
    parts.push(`Valid values: ${option.validValuesText}`);
  } else if (widget === 'pem') {
    parts.push('Inline PEM or a file path');
  }
  return (
    <>
      <span className={classes.badges}>
        <VisuallyHidden>Takes effect:</VisuallyHidden> <TakesEffectBadge takesEffect={option.takesEffect} text={option.takesEffectText} />
        <VisuallyHidden>.</VisuallyHidden>{' '}
        {option.extension ? (
          <Badge component="span" size="xs" variant="outline" color="gray" data-testid="extension-badge">
            extension
          </Badge>
        ) : null}{' '}
        {option.sipServerOnly ? (
          <Badge
            component="span"
            size="xs"
            variant="outline"
            color="grape"
            data-testid="sip-server-only-badge"
            title="Only SIP Server uses this option: changing it changes nothing the proxy does."
          >
            SIP Server only
          </Badge>
        ) : null}{' '}
        {option.description ? <span>{option.description}</span> : null}
      </span>{' '}
      <span className={classes.hints} data-testid="option-hints">
        {parts.join(' · ')}
      </span>
    </>
  );
}

/**
 * A form field generated from one option-schema entry: the right input for its type, the default and
 * valid values/range beside it, a badge for when a change takes effect, validation while typing, and
 * room for the server's verdict (`error`).
 */
export function OptionField({
  option,
  value,
  onChange,
  error,
  onValidate,
  onBlur,
  disabled,
  readOnly,
  label,
  id,
  suggestions = [],
}: OptionFieldProps) {
  const generatedId = useId();
  const inputId = id ?? `option-${option.name}-${generatedId}`;
  const localError = validateOptionValue(option, value);

  // The server's message describes the value it saw; once the user edits, their own validation takes over.
  // (Reset during render when a new server error arrives: React's pattern for state that follows a prop.)
  const [serverErrorStale, setServerErrorStale] = useState(false);
  const [errorSeen, setErrorSeen] = useState(error);
  if (error !== errorSeen) {
    setErrorSeen(error);
    setServerErrorStale(false);
  }

  useEffect(() => {
    onValidate?.(option.name, localError);
  }, [onValidate, option.name, localError]);

  const shownError = localError ?? (!serverErrorStale && error ? error : null);
  const change = (v: OptionValue | undefined) => {
    setServerErrorStale(true);
    onChange(v);
  };

  const isSet = value !== undefined;
  const editable = !disabled && !readOnly;
  const labelText = label ?? option.name;
  const description = <Hints option={option} />;
  const resetButton =
    isSet && editable ? (
      <Tooltip label="Reset to default">
        <ActionIcon
          variant="subtle"
          color="gray"
          onClick={() => change(undefined)}
          aria-label={`Reset ${option.name} to default`}
          className={classes.reset}
        >
          <IconArrowBackUp size={16} aria-hidden />
        </ActionIcon>
      </Tooltip>
    ) : null;
  const withReset = (children: ReactNode) => (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <div className={classes.grow}>{children}</div>
      {resetButton}
    </Group>
  );
  const placeholder = `Default: ${formatDefault(option)}`;
  const common = {
    id: inputId,
    label: labelText,
    classNames: { label: classes.label },
    description,
    error: shownError,
    disabled,
    readOnly,
    onBlur,
    inputContainer: withReset,
    'data-option': option.name,
  } as const;

  const widget = widgetFor(option.type);
  const bounds = boundsOf(option);
  const valid = validValuesOf(option);
  switch (widget) {
    case 'int':
      return (
        <NumberInput
          {...common}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => change(v === '' ? undefined : v)}
          placeholder={placeholder}
          allowDecimal={false}
          allowNegative={bounds.min === undefined || bounds.min < 0}
          clampBehavior="none"
          min={bounds.min}
          max={bounds.max}
          inputMode="numeric"
        />
      );
    case 'bool': {
      const effective = parseBool(value ?? option.default) ?? false;
      return (
        <Input.Wrapper
          id={inputId}
          label={labelText}
          classNames={{ label: classes.label }}
          description={description}
          error={shownError}
          data-option={option.name}
        >
          {withReset(
            <Group gap="xs" mt={4} wrap="nowrap">
              <Switch
                id={inputId}
                checked={effective}
                disabled={disabled}
                readOnly={readOnly}
                onBlur={onBlur}
                onChange={(e) => {
                  if (readOnly) return;
                  change(e.currentTarget.checked);
                }}
                aria-describedby={[`${inputId}-description`, shownError ? `${inputId}-error` : null].filter(Boolean).join(' ')}
                aria-invalid={!!shownError || undefined}
                error={!!shownError}
              />
              <Text size="sm" c="dimmed" component="span">
                {effective ? 'true' : 'false'}
                {isSet ? '' : ' (default)'}
              </Text>
            </Group>,
          )}
        </Input.Wrapper>
      );
    }
    case 'enum':
      return (
        <Select
          {...common}
          value={value === undefined ? null : String(value)}
          onChange={(v) => change(v ?? undefined)}
          data={valid}
          placeholder={placeholder}
          clearable={false}
          allowDeselect={false}
          searchable={valid.length > 8}
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'list':
      return (
        <TagsInput
          {...common}
          value={value === undefined ? [] : splitList(value)}
          onChange={(v) => change(v.length === 0 ? undefined : v)}
          data={[...new Set([...valid, ...suggestions])]}
          placeholder={isSet ? undefined : placeholder}
          splitChars={[',']}
          acceptValueOnBlur
          comboboxProps={{ withinPortal: true }}
        />
      );
    case 'pem':
      return (
        <Textarea
          {...common}
          value={value === undefined ? '' : String(value)}
          onChange={(e) => {
            const v = e.currentTarget.value;
            change(v === '' ? undefined : v);
          }}
          placeholder={`-----BEGIN CERTIFICATE----- … or a file path (${placeholder})`}
          autosize
          minRows={3}
          maxRows={12}
          spellCheck={false}
          classNames={{ label: classes.label, input: classes.mono }}
        />
      );
    case 'string':
    default:
      return (
        <TextInput
          {...common}
          list={suggestions.length ? `${inputId}-suggestions` : undefined}
          rightSection={
            suggestions.length ? (
              <datalist id={`${inputId}-suggestions`}>
                {suggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            ) : undefined
          }
          value={value === undefined ? '' : String(value)}
          onChange={(e) => change(e.currentTarget.value)}
          placeholder={
            option.type === 'host-port'
              ? `host:port (${placeholder})`
              : option.type === 'sip-contact'
                ? `host[:port][;transport=…] (${placeholder})`
                : placeholder
          }
          spellCheck={false}
          autoComplete="off"
        />
      );
  }
}
