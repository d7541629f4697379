import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { REPLICA_ID } from '../common/replica.js';
import { DATABASE_INFO, type DatabaseInfo } from './database-info.js';
import { notificationPayload, type Channel, type NotificationChannels, type NotificationEnvelope } from './notification-channels.js';

type Handler = (payload: string) => void;
/** `fromHere`: this replica sent it (it has acted already). */
export type NotificationHandler<K extends Channel> = (data: NotificationChannels[K], meta: { fromHere: boolean }) => void;

/**
 * PostgreSQL LISTEN/NOTIFY on a dedicated connection: how control-plane replicas on one database tell each other
 * about committed changes. Reconnects with back-off when the server goes away; `onReconnect` handlers run after a
 * gap, since notifications sent meanwhile were lost.
 */
@Injectable()
export class Notifications implements OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Handler[]>();
  private readonly reconnectHandlers: (() => void)[] = [];
  private stopped = false;
  private connecting = false;
  private everConnected = false;

  constructor(
    @Inject(DATABASE_INFO) private readonly db: DatabaseInfo,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  /** Tells every replica (this one included) on `channel`; payloads are typed by NotificationChannels. */
  async notify<K extends Channel>(channel: K, data: NotificationChannels[K]): Promise<void> {
    await this.ds.query('SELECT pg_notify($1, $2)', [channel, notificationPayload(channel, data, REPLICA_ID)]);
  }

  /** Listens on `channel`; a payload that is not an envelope (an older replica's) is ignored. */
  on<K extends Channel>(channel: K, handler: NotificationHandler<K>): void {
    this.listen(channel, (payload) => {
      let msg: NotificationEnvelope<K>;
      try {
        msg = JSON.parse(payload) as NotificationEnvelope<K>;
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null || typeof msg.origin !== 'string' || msg.data === undefined) return;
      handler(msg.data, { fromHere: msg.origin === REPLICA_ID });
    });
  }

  private listen(channel: string, handler: Handler): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
    if (this.client) void this.client.query(`LISTEN "${channel}"`).catch(() => undefined);
    else void this.connect();
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  get connected(): boolean {
    return !!this.client;
  }

  private async connect(delay = 500): Promise<void> {
    if (this.connecting || this.stopped || this.client) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.db.url, connectionTimeoutMillis: 3000, keepAlive: true });
    try {
      await client.connect();
      client.on('notification', (n) => {
        for (const h of this.handlers.get(n.channel) ?? []) {
          try {
            h(n.payload ?? '');
          } catch (e) {
            this.logger.error(String(e));
          }
        }
      });
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        client.removeAllListeners();
        void client.end().catch(() => undefined);
        if (!this.stopped) {
          this.logger.warn('lost the LISTEN connection to PostgreSQL; reconnecting');
          setTimeout(() => void this.connect(), 500).unref();
        }
      };
      client.on('error', lost);
      client.on('end', lost);
      for (const ch of this.handlers.keys()) await client.query(`LISTEN "${ch}"`);
      this.client = client;
      this.connecting = false;
      if (this.everConnected) {
        this.logger.log('LISTEN connection restored');
        for (const h of this.reconnectHandlers) h();
      }
      this.everConnected = true;
    } catch {
      this.connecting = false;
      await client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.connect(Math.min(delay * 2, 5000)), delay).unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
