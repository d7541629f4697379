/**
 * Structured JSON logs (one object per line on stdout) carrying the guide's SIP Proxy log events 40000-40007
 * (the catalogue is in contracts/log-events.ts). Never used per SIP message.
 */
import { LOG_EVENTS, type LogEventId } from '../contracts/log-events.js';

export { LOG_EVENTS, type LogEventId };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  ts: string;
  level: LogLevel;
  app: string;
  msg: string;
  event?: LogEventId;
  eventName?: string;
  [k: string]: unknown;
}

export type LogSink = (line: string) => void;

export class Logger {
  /** The last records (for tests and /status); bounded. */
  readonly recent: LogRecord[] = [];

  constructor(
    private readonly app: string,
    private readonly sink: LogSink = (l) => process.stdout.write(l + '\n'),
    private minLevel: LogLevel = 'info',
  ) {}

  /** Where records go instead of the sink (the [log] options, log-outputs.ts); `base` is this logger's own sink. */
  private route: ((line: string, r: LogRecord, base: LogSink) => void) | undefined;

  /** [log] options: the lowest level written and the router that picks each record's outputs. */
  setOutputs(route: ((line: string, r: LogRecord, base: LogSink) => void) | undefined, minLevel: LogLevel): void {
    this.route = route;
    this.minLevel = minLevel;
  }

  /** Logs one of the guide's events: its name and text, plus details (e.g. the pair's primary host:port). */
  event(id: LogEventId, level: LogLevel, fields: Record<string, unknown> = {}, detail?: string): void {
    const e = LOG_EVENTS[id];
    this.write({ ts: new Date().toISOString(), level, app: this.app, event: id, eventName: e.name, msg: detail ? `${e.text}: ${detail}` : e.text, ...fields });
  }

  info(msg: string, fields: Record<string, unknown> = {}): void {
    this.log('info', msg, fields);
  }

  warn(msg: string, fields: Record<string, unknown> = {}): void {
    this.log('warn', msg, fields);
  }

  error(msg: string, fields: Record<string, unknown> = {}): void {
    this.log('error', msg, fields);
  }

  log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    this.write({ ts: new Date().toISOString(), level, app: this.app, msg, ...fields });
  }

  private write(r: LogRecord): void {
    const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
    if (order.indexOf(r.level) < order.indexOf(this.minLevel)) return;
    this.recent.push(r);
    if (this.recent.length > 200) this.recent.shift();
    const line = JSON.stringify(r);
    if (this.route) this.route(line, r, this.sink);
    else this.sink(line);
  }
}
