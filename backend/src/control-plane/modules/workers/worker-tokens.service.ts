import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { proxyApplicationNames } from '../../../contracts/effective-config.js';
import { AppError, notFound, unauthorized } from '../../common/errors.js';
import { Notifications } from '../../database/notifications.js';
import { ConfigurationService } from '../configuration/configuration.service.js';
import type { WorkerTokenEntity } from './worker.entities.js';
import { WorkerRegistry } from './worker-registry.js';
import { WorkersRepository } from './workers.repository.js';

const TOKEN_CACHE_MS = 60_000;

/**
 * Worker tokens: who may open a worker channel or report for an application. Checks them (cached, so a worker keeps
 * reporting while PostgreSQL is briefly away), lists, creates and revokes them; a revoked token's channels end on
 * every replica (notification `worker_token_revoked`).
 */
@Injectable()
export class WorkerTokensService implements OnModuleInit {
  private readonly logger = new Logger('Workers');
  private readonly cache = new Map<string, { row: WorkerTokenEntity; at: number }>();

  constructor(
    private readonly repo: WorkersRepository,
    private readonly config: ConfigurationService,
    private readonly notifications: Notifications,
    private readonly registry: WorkerRegistry,
  ) {}

  onModuleInit(): void {
    this.notifications.on('worker_token_revoked', (m) => this.endStreamsOf(m.tokenIds));
  }

  /** A worker token for `app`; cached, so a worker keeps reporting while PostgreSQL is briefly away. */
  async authenticate(authorization: string | undefined, app: string): Promise<WorkerTokenEntity> {
    const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
    if (!token) throw unauthorized('A worker token is required (Authorization: Bearer <token>)');
    const cached = this.cache.get(token);
    let row: WorkerTokenEntity | null | undefined = cached && Date.now() - cached.at < TOKEN_CACHE_MS ? cached.row : undefined;
    if (!row) {
      try {
        row = await this.repo.findToken(token);
        if (row) {
          this.cache.set(token, { row, at: Date.now() });
          void this.repo.touchToken(row.id).catch(() => undefined);
        } else this.cache.delete(token);
      } catch {
        row = cached?.row; // the database is away: trust what we verified before
      }
    }
    if (!row) throw new AppError(401, 'WORKER_TOKEN_INVALID', 'Unknown or revoked worker token');
    if (row.app !== app) throw new AppError(403, 'WORKER_TOKEN_WRONG_APP', `This token is for application ${row.app}, not ${app}`);
    return row;
  }

  tokens() {
    return this.repo
      .listTokens()
      .then((rows) =>
        rows.map((t) => ({ id: t.id, app: t.app, kind: t.kind, createdBy: t.createdBy, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt })),
      );
  }

  async createToken(app: string, actor: string) {
    const { doc } = await this.config.head();
    if (!proxyApplicationNames(doc).includes(app)) throw notFound(`SIP Proxy application ${app}`);
    const t = await this.repo.createToken(app, 'remote', actor);
    // The token goes in a file (or the environment), never on the command line: `ps` shows command lines to anyone.
    return {
      id: t.id,
      app,
      token: t.token,
      command: `SIPEDGE_WORKER_TOKEN_FILE=<file holding the token> npm run proxy -- --control-plane <URL> --app ${app}`,
    };
  }

  /**
   * Revokes a token and ends, on every replica, the streams opened with it: here at once, elsewhere on the
   * notification (each replica also forgets the token, which it may have cached).
   */
  async revokeToken(id: string): Promise<void> {
    if (!(await this.repo.revokeToken(id))) throw notFound(`Worker token ${id}`);
    this.endStreamsOf([id]);
    await this.notifications
      .notify('worker_token_revoked', { tokenIds: [id] })
      .catch((e: unknown) => this.logger.error(`cannot tell the other replicas token ${id} is revoked: ${String(e)}`));
  }

  /**
   * A deleted SIP Proxy application takes its worker tokens with it: a token left behind would let a worker re-attach
   * if an application of the same name is created later. Its open channels are closed too. Run after every
   * configuration change (every replica runs it: the second finds nothing left to revoke).
   */
  async revokeTokensOfDeletedApps(): Promise<void> {
    let apps: string[];
    try {
      apps = proxyApplicationNames((await this.config.head()).doc);
    } catch {
      return; // no configuration yet, or the database is away: nothing to compare against
    }
    const revoked = await this.repo.revokeTokensOfRemovedApps(apps).catch(() => [] as string[]);
    for (const app of revoked) {
      this.logger.log(`worker tokens of ${app} revoked: the application was deleted from the configuration`);
      for (const s of this.registry.streamsOf(app)) s.res.end();
    }
  }

  /** Ends the streams opened with these tokens and drops every cached token (a revoked one must not be trusted). */
  private endStreamsOf(tokenIds: readonly string[]): void {
    this.cache.clear();
    const ids = new Set(tokenIds);
    for (const s of this.registry.allStreams())
      if (ids.has(s.tokenId)) {
        clearInterval(s.ping);
        s.res.end();
      }
  }
}
