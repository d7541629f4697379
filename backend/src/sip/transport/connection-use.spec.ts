import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';
import { UnusedCheck, unusedOutbound } from './connection-use.js';

const conn = (direction: 'inbound' | 'outbound'): Connection =>
  new Connection(new net.Socket(), 'tcp', direction, '127.0.0.1', 5060, undefined);

describe('unusedOutbound', () => {
  it('only an outbound connection with no transaction on it and no flow may be closed as unused', () => {
    const out = conn('outbound');
    expect(unusedOutbound(out, undefined)).toBe(true);
    out.users = 1;
    expect(unusedOutbound(out, undefined)).toBe(false);
    out.users = 0;
    expect(unusedOutbound(out, (id) => id === out.id)).toBe(false);
    out.retiring = true;
    expect(unusedOutbound(out, undefined)).toBe(false);
    expect(unusedOutbound(conn('inbound'), undefined)).toBe(false);
  });
});

describe('UnusedCheck', () => {
  it('looks once, after the current turn, so a transaction starting in the same turn keeps the connection', async () => {
    const retired: string[] = [];
    const a = conn('outbound');
    const b = conn('outbound');
    const check = new UnusedCheck(
      (c) => unusedOutbound(c, undefined),
      (c) => retired.push(c.id),
    );
    check.soon(a);
    check.soon(a);
    check.soon(b);
    b.users = 1; // the next transaction holds b in the same turn
    expect(retired).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(retired).toEqual([a.id]);
    expect(a.unusedCheckQueued).toBe(false);
  });

  it('cancel drops what is queued', async () => {
    const retired: string[] = [];
    const a = conn('outbound');
    const check = new UnusedCheck(
      () => true,
      (c) => retired.push(c.id),
    );
    check.soon(a);
    check.cancel();
    await new Promise((r) => setImmediate(r));
    expect(retired).toEqual([]);
  });
});
