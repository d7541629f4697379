import type { AlarmView } from '../modules/alarms/alarms.service.js';

/**
 * Every cross-replica notification (PostgreSQL NOTIFY) and what it carries: one typed list, so a sender and its
 * listeners cannot disagree on a channel's payload.
 */
export interface NotificationChannels {
  /** A configuration version was committed (sent inside the commit's transaction: delivered only if it commits). */
  config_changed: { version: number };
  alarm_changed: { action: 'raised' | 'cleared' | 'acknowledged'; alarm: AlarmView };
  /** An admin asked for a restart: every replica sends it on the worker channels it holds. */
  worker_restart: { app: string; reason: string };
  /** Worker tokens revoked: every replica ends the streams opened with them and forgets them. */
  worker_token_revoked: { tokenIds: string[] };
  /** An operator changed an administrative state: every replica reloads them and pushes them to its workers. */
  admin_state_changed: { kind: 'application' | 'sip-server'; name: string; state: string };
}
export type Channel = keyof NotificationChannels;

/** On the wire: the payload and the replica that sent it (so a replica can skip what it did itself). */
export interface NotificationEnvelope<K extends Channel> {
  origin: string;
  data: NotificationChannels[K];
}

/** The NOTIFY payload text for `data` on channel `K` (for senders inside a transaction, like a commit). */
export function notificationPayload<K extends Channel>(_channel: K, data: NotificationChannels[K], origin: string): string {
  return JSON.stringify({ origin, data } satisfies NotificationEnvelope<K>);
}
