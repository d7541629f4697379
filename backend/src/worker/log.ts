/**
 * Structured JSON logs (one object per line on stdout) with the guide's SIP Proxy log events 40000-40007
 * ("Error Handling": ID, text name and description, level Standard). Never used per SIP message.
 */
export const LOG_EVENTS = {
  40000: { name: 'SPR_OWN_PROXY_ADDR_NOT_FOUND', text: 'Initialization failed, proxy address (host:port) is not found in the list' },
  40001: { name: 'SPR_SIPS_HA_PAIR_UNAVAILABLE', text: 'SIP Server HA pair (primary host:port) is unavailable' },
  40002: { name: 'SPR_OTHER_PROXY_INSTANCE_DISCONNECTED', text: 'SIP Proxy instance is disconnected' },
  40003: { name: 'SPR_ERROR_READING_CONFIG_DATA', text: 'Error while reading configuration data' },
  40004: { name: 'SPR_PROXY_INITIALIZED', text: 'SIP Proxy has initialized successfully' },
  40005: { name: 'SPR_HOST_NOT_RESOLVED', text: 'Cannot resolve SIP Proxy host' },
  40006: { name: 'SPR_SIP_LISTENER_CANNOT_START', text: 'Cannot start SIP listener' },
  40007: { name: 'PR_MGMT_LISTENER_CANNOT_START', text: 'Cannot start Mgmt listener' },
} as const;

export type LogEventId = keyof typeof LOG_EVENTS;
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
    private readonly minLevel: LogLevel = 'info',
  ) {}

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
    this.sink(JSON.stringify(r));
  }
}
