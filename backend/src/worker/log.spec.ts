import { describe, expect, it } from 'vitest';
import { Logger, type LogRecord } from './log.js';

describe('worker log (pino, the shape contracts/log-format.ts gives every party)', () => {
  it('one JSON line per record: level, ts, app, msg; events carry the catalogue id and name', () => {
    const out: string[] = [];
    const log = new Logger('SIPProxy_1', (l) => out.push(l));
    log.event(40001, 'error', { haPair: 'A' }, 'A:5070');
    log.info('configuration applied', { version: 3 });
    const [e, i] = out.map((l) => JSON.parse(l) as LogRecord);
    expect(e).toMatchObject({
      level: 'error',
      app: 'SIPProxy_1',
      event: 40001,
      eventName: 'SPR_SIPS_HA_PAIR_UNAVAILABLE',
      msg: 'SIP Server HA pair (primary host:port) is unavailable: A:5070',
      haPair: 'A',
    });
    expect(Date.parse(e.ts)).not.toBeNaN();
    expect(i).toMatchObject({ level: 'info', msg: 'configuration applied', version: 3 });
    expect(log.recent).toEqual([e, i]);
  });

  it('secrets in fields are redacted (http-token, certificate-key, authorization)', () => {
    const out: string[] = [];
    const log = new Logger('P', (l) => out.push(l));
    log.warn('options', {
      options: { sipproxy: { 'http-token': 'tok-123' }, security: { 'certificate-key': 'PEM-xyz' } },
      headers: { authorization: 'Bearer abc' },
    });
    expect(out[0]).not.toMatch(/tok-123|PEM-xyz|Bearer abc/);
    expect(out[0]).toContain('[redacted]');
  });

  it('below the minimum level nothing is written', () => {
    const out: string[] = [];
    const log = new Logger('P', (l) => out.push(l), 'warn');
    log.info('dropped');
    log.log('debug', 'dropped');
    log.error('kept');
    expect(out.map((l) => (JSON.parse(l) as LogRecord).msg)).toEqual(['kept']);
  });
});
