import { checkOptionValue, type OptionDefinition } from '@contracts/options/option-schema';
import type { OptionSchemaEntry, TakesEffect } from '../api/types';

/** A value as the option editor holds it; `undefined` means "not set here: the default applies". */
export type OptionValue = string | number | boolean | string[];

export const TAKES_EFFECT: Record<TakesEffect, { badge: string; long: string; color: string }> = {
  immediately: { badge: 'now', long: 'Takes effect immediately', color: 'green' },
  'next-call': { badge: 'next call', long: 'Takes effect on the next call', color: 'blue' },
  'after-restart': { badge: 'after restart', long: 'Takes effect after a restart', color: 'orange' },
};

/** How the editor treats a type: the control plane's extra types share the brief's widgets. */
export type OptionWidget = 'int' | 'bool' | 'string' | 'enum' | 'list' | 'pem';

export function widgetFor(type: OptionSchemaEntry['type']): OptionWidget {
  switch (type) {
    case 'port':
      return 'int';
    case 'path-or-pem':
      return 'pem';
    case 'host-port':
    case 'sip-contact':
      return 'string';
    default:
      return type;
  }
}

/** Valid values from either spelling (`validValues`, or the control plane's `values`, which may be numbers). */
export function validValuesOf(option: Pick<OptionSchemaEntry, 'validValues' | 'values'>): string[] {
  if (option.validValues && option.validValues.length > 0) return [...option.validValues];
  return (option.values ?? []).map(String);
}

/** Where a value is checked: `mandatory` on the DNs that must carry the option (the schema's `mandatoryMin` applies). */
export interface OptionContext {
  mandatory?: boolean;
}

/** min/max with the implicit 1-65535 of a `port`, raised to `mandatoryMin` where the option is mandatory. */
export function boundsOf(
  option: Pick<OptionSchemaEntry, 'type' | 'min' | 'max' | 'mandatoryMin'>,
  context: OptionContext = {},
): { min?: number; max?: number } {
  const bounds = option.type === 'port' ? { min: option.min ?? 1, max: option.max ?? 65535 } : { min: option.min, max: option.max };
  if (context.mandatory && option.mandatoryMin !== undefined) bounds.min = Math.max(bounds.min ?? option.mandatoryMin, option.mandatoryMin);
  return bounds;
}

/** Splits a list value as written in the YAML document ("a, b") into trimmed, non-empty names. */
export function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string')
    return v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (v === undefined || v === null) return [];
  return [String(v)];
}

export function parseBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(s)) return true;
    if (['false', 'no', 'off', '0'].includes(s)) return false;
  }
  return undefined;
}

/** Human text for an option's default: the guide's words when the schema has them, else "none" when there is none. */
export function formatDefault(option: Pick<OptionSchemaEntry, 'type' | 'default' | 'defaultText'>): string {
  if (option.defaultText) return option.defaultText;
  const d = option.default;
  if (d === undefined || d === null || d === '') return 'none';
  const widget = widgetFor(option.type);
  if (widget === 'list') {
    const items = splitList(d);
    return items.length ? items.join(', ') : 'none';
  }
  if (widget === 'bool') {
    const b = parseBool(d);
    return b === undefined ? String(d) : String(b);
  }
  if (widget === 'pem') return String(d).startsWith('-----BEGIN') ? '(inline PEM)' : String(d);
  return String(d);
}

/** "Range: 1–65535", "Minimum: 0 seconds", "Maximum: 10", or undefined. */
export function rangeHint(option: Pick<OptionSchemaEntry, 'type' | 'min' | 'max' | 'unit'>): string | undefined {
  const { min, max } = boundsOf(option);
  const unit = option.unit && option.unit !== 'count' ? ` ${option.unit}` : '';
  if (min !== undefined && max !== undefined) return `Range: ${min}–${max}${unit}`;
  if (min !== undefined) return `Minimum: ${min}${unit}`;
  if (max !== undefined) return `Maximum: ${max}${unit}`;
  return undefined;
}

function rangeMessage(bounds: { min?: number; max?: number }): string {
  const { min, max } = bounds;
  if (min !== undefined && max !== undefined) return `Must be between ${min} and ${max}`;
  if (min !== undefined) return `Must be at least ${min}`;
  return `Must be at most ${max}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

/** The value as the server receives it (JSON): numbers for int/port, booleans, lists as "a, b", text otherwise. */
function wireValue(option: OptionSchemaEntry, value: OptionValue): unknown {
  switch (widgetFor(option.type)) {
    case 'int': {
      if (typeof value === 'number') return value;
      const text = String(value).trim();
      return /^[-+]?\d+$/.test(text) ? Number(text) : text;
    }
    case 'bool':
      return parseBool(value) ?? String(value);
    case 'list':
      return splitList(value).join(', ');
    default:
      return Array.isArray(value) ? value.join(', ') : String(value);
  }
}

/** The registry's entry as the contracts' check reads it: the brief's `pem` is the registry's `path-or-pem`. */
function definitionOf(option: OptionSchemaEntry): OptionDefinition {
  return { ...option, type: option.type === 'pem' ? 'path-or-pem' : option.type } as unknown as OptionDefinition;
}

const portOutOfRange = (s: string) => {
  const m = /:(\d{1,5})(?:[;>]|$)/.exec(s.trim());
  return m !== null && (Number(m[1]) < 1 || Number(m[1]) > 65535);
};

/**
 * Checks a value against its schema entry so mistakes show while typing. The type, range and valid-value rules are
 * the server's own (`checkOptionValue` of backend/src/contracts/options, shared through the `@contracts` alias), so
 * the form refuses exactly what the server refuses; this function only words the result. The form adds two hints
 * the server words itself elsewhere: a half-pasted PEM block and a list item given twice.
 * Returns the message to show, or null when the value is acceptable. `undefined` (use the default) is always valid.
 */
export function validateOptionValue(
  option: OptionSchemaEntry,
  value: OptionValue | undefined | null,
  context: OptionContext = {},
): string | null {
  if (value === undefined || value === null) return null;
  const widget = widgetFor(option.type);
  // An emptied text field means "not set here" too (an enum or a switch always holds a value).
  if (widget !== 'bool' && widget !== 'enum' && typeof value === 'string' && value.trim() === '') return null;
  const raw = wireValue(option, value);
  const result = checkOptionValue(definitionOf(option), raw);
  const validValues = validValuesOf(option);
  if (!result.ok) {
    switch (widget) {
      case 'int':
        if (result.code === 'invalid-type') return typeof raw === 'number' ? 'Number is too large' : 'Must be a whole number';
        if (result.code === 'out-of-range') return rangeMessage(boundsOf(option));
        return `Must be one of: ${validValues.join(', ')}`;
      case 'bool':
        return 'Must be true or false';
      case 'enum':
        return `Must be one of: ${validValues.join(', ')}`;
      default:
        if (option.type === 'host-port' || option.type === 'sip-contact') {
          if (portOutOfRange(String(raw))) return 'Port must be between 1 and 65535';
          return option.type === 'host-port'
            ? 'Must be host:port, for example proxy.example.com:5060'
            : 'Must be host[:port][;transport=udp|tcp|tls] or a sip:/sips: URI';
        }
        return `Must be ${result.allowed}`;
    }
  }
  // Where the option is mandatory the server refuses less than the registry's mandatoryMin (contracts/validation.ts).
  if (widget === 'int' && typeof result.value === 'number') {
    const bounds = boundsOf(option, context);
    if (bounds.min !== undefined && result.value < bounds.min) return rangeMessage(bounds);
  }
  if (widget === 'list' || widget === 'string') {
    const items = widget === 'list' ? splitList(value) : [String(value)].filter(Boolean);
    // The minimal schema shape (`validValues`) lists what a list or string may hold; the registry's lists carry none.
    const bad = validValues.length > 0 ? items.filter((i) => !validValues.includes(i)) : [];
    if (bad.length > 0)
      return widget === 'list'
        ? `Not allowed: ${bad.join(', ')}. Allowed values: ${validValues.join(', ')}`
        : `Must be one of: ${validValues.join(', ')}`;
    const seen = new Set<string>();
    for (const i of items) {
      if (seen.has(i)) return `Listed twice: ${i}`;
      seen.add(i);
    }
  }
  if (widget === 'pem') {
    const s = String(value).trim();
    if (s.includes('-----BEGIN'))
      return PEM_BLOCK.test(s) ? null : 'PEM block is incomplete: it needs matching -----BEGIN …----- and -----END …----- lines';
    return /[\r\n]/.test(s) ? 'Enter a PEM block or a single file path' : null;
  }
  return null;
}

/** Coerces a value as stored/received (often a string) into the shape the editor uses for the option's type. */
export function normalizeOptionValue(option: Pick<OptionSchemaEntry, 'type'>, raw: unknown): OptionValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  switch (widgetFor(option.type)) {
    case 'int': {
      if (typeof raw === 'number') return raw;
      const s = String(raw).trim();
      return /^[-+]?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s;
    }
    case 'bool': {
      const b = parseBool(raw);
      return b ?? String(raw);
    }
    case 'list':
      return splitList(raw);
    default:
      return typeof raw === 'string' ? raw : String(raw);
  }
}
