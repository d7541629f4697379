import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../contracts/index.js';
import { Logger } from './log.js';
import { LogOutputs } from './log-outputs.js';

const defaults = Object.fromEntries(OPTIONS.filter((d) => d.section === 'log').map((d) => [d.name, d.default]));
const flush = () => new Promise((r) => setTimeout(r, 50));
const lines = (f: string) =>
  existsSync(f)
    ? readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string })
    : [];

describe('[log] options (Genesys Framework levels and outputs), on real files', () => {
  it("defaults: standard and trace records on stdout (the logger's own sink), debug dropped", () => {
    const out: string[] = [];
    const log = new Logger('P', (l) => out.push(l));
    new LogOutputs(log, tmpdir()).configure(defaults);
    log.event(40004, 'info');
    log.info('pair changed');
    log.log('debug', 'noise');
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['SIP Proxy has initialized successfully', 'pair changed']);
  });

  it('each level goes to its outputs; trace and debug outputs receive the levels above; verbose cuts; live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logout-'));
    const names = ['standard.log', 'trace.log', 'debug.log'] as const;
    const [s, t, d] = names.map((f) => join(dir, f)) as [string, string, string];
    const out: string[] = [];
    const log = new Logger('P', (l) => out.push(l));
    const o = new LogOutputs(log, dir);
    o.configure({ ...defaults, verbose: 'debug', standard: names[0], trace: names[1], debug: names[2] });
    log.event(40001, 'error', {}, 'pair A');
    log.info('configuration applied');
    log.log('debug', 'probe detail');
    await flush();
    expect(lines(s).map((r) => r.msg)).toEqual(['SIP Server HA pair (primary host:port) is unavailable: pair A']);
    expect(lines(t).map((r) => r.msg)).toEqual(['SIP Server HA pair (primary host:port) is unavailable: pair A', 'configuration applied']);
    expect(lines(d)).toHaveLength(3);
    expect(out).toEqual([]); // stdout named by no option any more
    o.configure({ ...defaults, verbose: 'standard', standard: names[0], trace: names[1], debug: names[2] });
    log.info('dropped by verbose standard');
    log.warn('kept');
    await flush();
    expect(lines(t).map((r) => r.msg)).toEqual([
      'SIP Server HA pair (primary host:port) is unavailable: pair A',
      'configuration applied',
      'kept',
    ]);
    o.configure({ ...defaults, verbose: 'none' });
    log.error('nothing written');
    expect(out).toEqual([]);
    o.close();
  });

  it('a file that cannot be opened is skipped: the worker goes on', async () => {
    const out: string[] = [];
    const log = new Logger('P', (l) => out.push(l));
    const o = new LogOutputs(log, '/nonexistent-dir');
    o.configure({ ...defaults, standard: 'stdout,x.log' });
    log.warn('still written');
    await flush();
    log.warn('again');
    expect(out).toHaveLength(2);
    expect([...o.failures.keys()]).toEqual(['x.log']);
    o.close();
  });

  it('writes only plain files in its log directory: no path, no symbolic link, no FIFO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logout-'));
    const outside = mkdtempSync(join(tmpdir(), 'logout-outside-'));
    writeFileSync(join(outside, 'victim'), 'untouched\n');
    symlinkSync(join(outside, 'victim'), join(dir, 'link.log'));
    execFileSync('mkfifo', [join(dir, 'fifo.log')]);
    const log = new Logger('P', () => undefined);
    const o = new LogOutputs(log, dir);
    o.configure({ ...defaults, standard: `${join(outside, 'abs.log')},../escape.log,link.log,fifo.log,ok.log` });
    log.warn('written once');
    await flush();
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('untouched\n');
    expect(existsSync(join(outside, 'abs.log'))).toBe(false);
    expect(existsSync(join(dir, '..', 'escape.log'))).toBe(false);
    expect(lines(join(dir, 'ok.log')).map((r) => r.msg)).toEqual(['written once']);
    expect([...o.failures.keys()].sort()).toEqual(['../escape.log', `${join(outside, 'abs.log')}`, 'fifo.log', 'link.log'].sort());
    o.close();
  });
});
