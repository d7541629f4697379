import { pino, type Logger as Pino } from 'pino';
import { LOG_EVENTS, type LogEventId } from '../../contracts/log-events.js';
import { logFormat, type LogFormatLevel } from '../../contracts/log-format.js';

export type EventLogLevel = LogFormatLevel;

/**
 * The control plane's own lines carrying the guide's log events (today 40002, which only it can see), written through
 * pino in the shape the workers write (contracts/log-format.ts: `level, ts, app, event, eventName, msg, ...fields`),
 * so one log pipeline reads both. The catalogue (name and text of each id) is contracts/log-events.ts.
 */
export class EventLog {
  private readonly pino: Pino;

  constructor(app: string, minLevel: EventLogLevel = 'info', sink?: (line: string) => void) {
    const options = logFormat(app, minLevel);
    this.pino = sink ? pino(options, { write: (l: string) => sink(l.endsWith('\n') ? l.slice(0, -1) : l) }) : pino(options);
  }

  /** One of the guide's events with its catalogue name and text, plus what the caller knows (`detail`, fields). */
  event(id: LogEventId, level: EventLogLevel, fields: Record<string, unknown> = {}, detail?: string): void {
    const e = LOG_EVENTS[id];
    this.pino[level]({ event: id, eventName: e.name, ...fields }, detail ? `${e.text}: ${detail}` : e.text);
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.pino.info(fields, msg);
  }

  /**
   * A product event outside the guide's catalogue (40000-40007 has no id for it, and none is invented): the line
   * carries `eventName` only (e.g. `certificate-expiring`), no `event` id.
   */
  named(eventName: string, level: EventLogLevel, fields: Record<string, unknown>, msg: string): void {
    this.pino[level]({ eventName, ...fields }, msg);
  }
}
