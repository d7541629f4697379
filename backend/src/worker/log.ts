/**
 * Structured JSON logs (one object per line) carrying the guide's SIP Proxy log events 40000-40007 (the catalogue is
 * in contracts/log-events.ts), written through pino in the shape every party shares (contracts/log-format.ts).
 * Never used per SIP message.
 */
import { pino, type Logger as Pino } from 'pino';
import { LOG_EVENTS, type LogEventId } from '../contracts/log-events.js';
import { logFormat } from '../contracts/log-format.js';

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
  private readonly pino: Pino;

  constructor(
    app: string,
    private readonly sink: LogSink = (l) => process.stdout.write(l + '\n'),
    minLevel: LogLevel = 'info',
  ) {
    // pino writes each line synchronously to this destination; the [log] options then pick the line's outputs.
    this.pino = pino(logFormat(app, minLevel), { write: (chunk: string) => this.emit(chunk) });
  }

  /** Where records go instead of the sink (the [log] options, log-outputs.ts); `base` is this logger's own sink. */
  private route: ((line: string, r: LogRecord, base: LogSink) => void) | undefined;

  /** [log] options: the lowest level written and the router that picks each record's outputs. */
  setOutputs(route: ((line: string, r: LogRecord, base: LogSink) => void) | undefined, minLevel: LogLevel): void {
    this.route = route;
    this.pino.level = minLevel;
  }

  /** Logs one of the guide's events: its name and text, plus details (e.g. the pair's primary host:port). */
  event(id: LogEventId, level: LogLevel, fields: Record<string, unknown> = {}, detail?: string): void {
    const e = LOG_EVENTS[id];
    this.pino[level]({ event: id, eventName: e.name, ...fields }, detail ? `${e.text}: ${detail}` : e.text);
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
    this.pino[level](fields, msg);
  }

  /** One line from pino (already filtered by level and redacted). */
  private emit(chunk: string): void {
    const line = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
    const r = JSON.parse(line) as LogRecord;
    this.recent.push(r);
    if (this.recent.length > 200) this.recent.shift();
    if (this.route) this.route(line, r, this.sink);
    else this.sink(line);
  }
}
