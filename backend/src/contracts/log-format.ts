/**
 * The one shape of every log line, the control plane's and the workers' alike: one JSON object per line,
 * `level` (debug|info|warn|error), `ts` (ISO 8601), `app`, `msg`, and for the guide's events `event` + `eventName`
 * (catalogue: log-events.ts). Both write it through pino with these options, so one log pipeline reads both.
 *
 * Plain data (no pino import): contracts stay framework-free; the options are structurally pino's LoggerOptions.
 */

/** What must never reach a log: API credentials, session cookies, and the option values that are secrets. */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-worker-token"]',
  'res.headers["set-cookie"]',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'password',
  '*.password',
  'token',
  '*.token',
  '["certificate-key"]',
  '*["certificate-key"]',
  '*.*["certificate-key"]',
  '["http-token"]',
  '*["http-token"]',
  '*.*["http-token"]',
];

export const LOG_REDACTED = '[redacted]';

export type LogFormatLevel = 'debug' | 'info' | 'warn' | 'error';

/** pino options for `app`'s log at `level` (the minimum written). */
export function logFormat(app: string, level: LogFormatLevel) {
  return {
    level,
    messageKey: 'msg',
    base: { app },
    timestamp: (): string => `,"ts":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: [...LOG_REDACT_PATHS], censor: LOG_REDACTED },
  };
}
