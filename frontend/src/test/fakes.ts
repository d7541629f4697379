import { vi } from 'vitest';
import type { OptionSchemaResponse } from '../api';

/** A minimal EventSource the tests drive by hand: `FakeEventSource.last.emit('alarm', {...})`. */
export class FakeEventSource {
  static instances: FakeEventSource[] = [];
  static get last(): FakeEventSource {
    return FakeEventSource.instances[FakeEventSource.instances.length - 1]!;
  }
  url: string;
  withCredentials: boolean;
  readyState = 0;
  onopen: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  private listeners = new Map<string, Set<(e: MessageEvent) => void>>();
  closed = false;

  constructor(url: string, init?: { withCredentials?: boolean }) {
    this.url = url;
    this.withCredentials = !!init?.withCredentials;
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(fn);
  }
  removeEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.get(type)?.delete(fn);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, data: unknown) {
    const e = new MessageEvent(type, { data: JSON.stringify(data) });
    for (const fn of this.listeners.get(type) ?? []) fn(e);
  }
  fail() {
    this.onerror?.(new Event('error'));
  }
}

export function installFakeEventSource() {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
}

export const testSchema: OptionSchemaResponse = {
  schemaVersion: 1,
  objects: { 'voip-service': ['TServer'], trunk: ['TServer'], extension: ['TServer'], 'sip-proxy': ['sipproxy'] },
  options: [
    {
      name: 'oos-check',
      type: 'int',
      default: 0,
      min: 0,
      max: 300,
      unit: 'seconds',
      takesEffect: 'immediately',
      description: 'How often the proxy probes the DN contact.',
      section: 'TServer',
      objects: ['voip-service', 'trunk'],
    },
    {
      name: 'contact',
      type: 'sip-contact',
      default: '',
      takesEffect: 'next-call',
      description: 'Where requests for this DN go.',
      section: 'TServer',
      objects: ['voip-service', 'trunk', 'extension'],
    },
    {
      name: 'sip-port',
      type: 'port',
      takesEffect: 'after-restart',
      description: 'Listening port',
      section: 'sipproxy',
      objects: ['sip-proxy'],
    },
  ],
};

export const users = {
  admin: { id: 1, username: 'admin', role: 'admin' },
  operator: { id: 2, username: 'olga', role: 'operator' },
  viewer: { id: 3, username: 'vic', role: 'viewer' },
} as const;
