import type { OptionSchemaEntry, TakesEffect } from '../api/types';

/** A value as the option editor holds it; `undefined` means "not set here: the default applies". */
export type OptionValue = string | number | boolean | string[];

export const TAKES_EFFECT: Record<TakesEffect, { badge: string; long: string; color: string }> = {
  immediately: { badge: 'now', long: 'Takes effect immediately', color: 'green' },
  'next-call': { badge: 'next call', long: 'Takes effect on the next call', color: 'blue' },
  'after-restart': { badge: 'after restart', long: 'Takes effect after a restart', color: 'orange' },
};

/** Splits a list value as written in the YAML document or the source documents ("a, b" or "a b"). */
export function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(/[,\s]+/).map((x) => x.trim()).filter(Boolean);
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

/** Human text for an option's default ("none" when it has none). */
export function formatDefault(option: Pick<OptionSchemaEntry, 'type' | 'default'>): string {
  const d = option.default;
  if (d === undefined || d === null || d === '') return 'none';
  if (option.type === 'list') {
    const items = splitList(d);
    return items.length ? items.join(', ') : 'none';
  }
  if (option.type === 'bool') {
    const b = parseBool(d);
    return b === undefined ? String(d) : String(b);
  }
  if (option.type === 'pem') return String(d).startsWith('-----BEGIN') ? '(inline PEM)' : String(d);
  return String(d);
}

/** "Range: 1–65535", "Minimum: 0", "Maximum: 10", or undefined. */
export function rangeHint(option: Pick<OptionSchemaEntry, 'min' | 'max'>): string | undefined {
  const { min, max } = option;
  if (min !== undefined && max !== undefined) return `Range: ${min}–${max}`;
  if (min !== undefined) return `Minimum: ${min}`;
  if (max !== undefined) return `Maximum: ${max}`;
  return undefined;
}

function rangeMessage(option: Pick<OptionSchemaEntry, 'min' | 'max'>): string {
  const { min, max } = option;
  if (min !== undefined && max !== undefined) return `Must be between ${min} and ${max}`;
  if (min !== undefined) return `Must be at least ${min}`;
  return `Must be at most ${max}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

/**
 * Checks a value against its schema entry the way the control plane will, so mistakes show while typing.
 * Returns the message to show, or null when the value is acceptable. `undefined` (use the default) is always valid.
 */
export function validateOptionValue(option: OptionSchemaEntry, value: OptionValue | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  switch (option.type) {
    case 'int': {
      const text = typeof value === 'number' ? String(value) : String(value).trim();
      if (text === '') return null;
      if (!/^[-+]?\d+$/.test(text)) return 'Must be a whole number';
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return 'Number is too large';
      if ((option.min !== undefined && n < option.min) || (option.max !== undefined && n > option.max)) {
        return rangeMessage(option);
      }
      return null;
    }
    case 'bool':
      return parseBool(value) === undefined ? 'Must be true or false' : null;
    case 'enum': {
      const s = String(value);
      if (option.validValues && option.validValues.length > 0 && !option.validValues.includes(s)) {
        return `Must be one of: ${option.validValues.join(', ')}`;
      }
      return null;
    }
    case 'list': {
      const items = splitList(value);
      if (option.validValues && option.validValues.length > 0) {
        const bad = items.filter((i) => !option.validValues!.includes(i));
        if (bad.length > 0) {
          return `Not allowed: ${bad.join(', ')}. Allowed values: ${option.validValues.join(', ')}`;
        }
      }
      const seen = new Set<string>();
      for (const i of items) {
        if (seen.has(i)) return `Listed twice: ${i}`;
        seen.add(i);
      }
      return null;
    }
    case 'pem': {
      const s = String(value).trim();
      if (s === '') return null;
      if (s.includes('-----BEGIN')) {
        return PEM_BLOCK.test(s) ? null : 'PEM block is incomplete: it needs matching -----BEGIN …----- and -----END …----- lines';
      }
      // Not inline PEM: the schema allows a file path instead.
      return /[\r\n]/.test(s) ? 'Enter a PEM block or a single file path' : null;
    }
    case 'string':
    default: {
      if (typeof value !== 'string') return null;
      if (option.validValues && option.validValues.length > 0 && value !== '' && !option.validValues.includes(value)) {
        return `Must be one of: ${option.validValues.join(', ')}`;
      }
      return null;
    }
  }
}

/** Coerces a value as stored/received (often a string) into the shape the editor uses for the option's type. */
export function normalizeOptionValue(option: Pick<OptionSchemaEntry, 'type'>, raw: unknown): OptionValue | undefined {
  if (raw === undefined || raw === null) return undefined;
  switch (option.type) {
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
