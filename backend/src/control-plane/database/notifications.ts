import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_INFO, type DatabaseInfo } from './database-info.js';

type Handler = (payload: string) => void;

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

  constructor(@Inject(DATABASE_INFO) private readonly db: DatabaseInfo) {}

  on(channel: string, handler: Handler): void {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
    if (this.client) void this.client.query(`LISTEN "${channel}"`).catch(() => undefined);
    else void this.connect();
  }

  onReconnect(handler: () => void): void { this.reconnectHandlers.push(handler); }

  get connected(): boolean { return !!this.client; }

  private async connect(delay = 500): Promise<void> {
    if (this.connecting || this.stopped || this.client) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: this.db.url, connectionTimeoutMillis: 3000, keepAlive: true });
    try {
      await client.connect();
      client.on('notification', (n) => { for (const h of this.handlers.get(n.channel) ?? []) { try { h(n.payload ?? ''); } catch (e) { this.logger.error(String(e)); } } });
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        client.removeAllListeners();
        void client.end().catch(() => undefined);
        if (!this.stopped) { this.logger.warn('lost the LISTEN connection to PostgreSQL; reconnecting'); setTimeout(() => void this.connect(), 500).unref(); }
      };
      client.on('error', lost);
      client.on('end', lost);
      for (const ch of this.handlers.keys()) await client.query(`LISTEN "${ch}"`);
      this.client = client;
      this.connecting = false;
      if (this.everConnected) { this.logger.log('LISTEN connection restored'); for (const h of this.reconnectHandlers) h(); }
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
