import { LOG_EVENTS, type LogEventId } from '../../contracts/log-events.js';

export type EventLogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: readonly EventLogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * The control plane's own lines carrying the guide's log events (today 40002, which only it can see): one JSON
 * object per line on stdout, the same shape the workers write (`ts, level, app, event, eventName, msg, ...fields`),
 * so one log pipeline reads both. The catalogue (name and text of each id) is contracts/log-events.ts.
 */
export class EventLog {
  constructor(private readonly app: string, private readonly minLevel: EventLogLevel = 'info', private readonly sink: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  /** One of the guide's events with its catalogue name and text, plus what the caller knows (`detail`, fields). */
  event(id: LogEventId, level: EventLogLevel, fields: Record<string, unknown> = {}, detail?: string): void {
    const e = LOG_EVENTS[id];
    this.write(level, { event: id, eventName: e.name, msg: detail ? `${e.text}: ${detail}` : e.text, ...fields });
  }

  info(msg: string, fields: Record<string, unknown> = {}): void { this.write('info', { msg, ...fields }); }

  private write(level: EventLogLevel, record: Record<string, unknown>): void {
    if (ORDER.indexOf(level) < ORDER.indexOf(this.minLevel)) return;
    this.sink(JSON.stringify({ ts: new Date().toISOString(), level, app: this.app, ...record }));
  }
}
