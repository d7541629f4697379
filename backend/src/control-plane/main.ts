import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { AppLogger, logParams } from './common/app-logger.js';
import { requestId } from './common/request-id.js';
import { ControlCharacterGuard } from './common/control-character.guard.js';
import { configureHttpSurface } from './common/http-surface.js';
import { AuthService } from './modules/auth/auth.service.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { dataDirProblem } from './config/data-dir.js';
import { EnvError, loadEnv, type Env } from './config/env.js';
import type { DatabaseInfo } from './database/database.module.js';
import { databaseUnavailable } from './database/database-errors.js';
import { DatabaseState } from './database/database-state.js';
import { EmbeddedPostgres } from './database/embedded-postgres.js';
import { EmbeddedSupervisor } from './modules/workers/embedded-supervisor.js';
import { ControlPlaneMetrics } from './modules/metrics/control-plane-metrics.js';

// Compiled location: backend/dist/backend/src/control-plane/main.js -> the repository root is five levels up.
const REPO_ROOT = resolve(import.meta.dirname, '../../../../..');

async function bootstrap(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv(process.env, process.cwd(), REPO_ROOT);
  } catch (e) {
    if (e instanceof EnvError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // One pino logger (LOG_LEVEL is its level) for Nest, the services' Logger and the per-request lines.
  const appLogger = new AppLogger(logParams(env.logLevel));
  Logger.overrideLogger(appLogger);
  const logger = new Logger('Main');

  // Never fall back silently: DATABASE_URL means that server and only that server.
  let embedded: EmbeddedPostgres | undefined;
  let db: DatabaseInfo;
  if (env.databaseUrl) {
    db = { mode: 'external', url: env.databaseUrl };
    logger.log(`using the external PostgreSQL of DATABASE_URL (${new URL(env.databaseUrl).host})`);
  } else {
    const problem = dataDirProblem(env.dataDir);
    if (problem) {
      process.stderr.write(`${problem}\n`);
      process.exit(2);
    }
    embedded = new EmbeddedPostgres(env.dataDir, (m) => logger.log(m), { supervise: true });
    db = { mode: 'embedded', url: await embedded.start(), watch: (l) => embedded!.onStateChange(l) };
  }

  let httpsOptions: { cert: Buffer; key: Buffer } | undefined;
  if (env.tls) {
    try {
      httpsOptions = { cert: readFileSync(env.tls.certFile), key: readFileSync(env.tls.keyFile) };
    } catch (e) {
      process.stderr.write(`TLS_CERT/TLS_KEY: cannot read ${(e as { path?: string }).path ?? 'the files'}: ${(e as Error).message}\n`);
      await embedded?.stop();
      process.exit(2);
    }
  }

  let app: NestExpressApplication | undefined;
  let stopping = false;
  const shutdown = async (signal: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    try {
      await app?.close();
    } catch (e) {
      logger.error(`closing the app: ${String(e)}`);
    }
    try {
      await embedded?.stop();
    } catch (e) {
      logger.error(`stopping PostgreSQL: ${String(e)}`);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env, db), {
      logger: appLogger,
      bufferLogs: false,
      bodyParser: false,
      httpsOptions,
    });
    app.setGlobalPrefix('api');
    app.use(requestId); // first: every answer, even an early gate's, carries its id
    app.use(app.get(ControlPlaneMetrics).middleware); // every answer counted, the early gates' too
    const auth = app.get(AuthService);
    // While PostgreSQL is away every API call but /api/health (which reports it) is 503 DATABASE_UNAVAILABLE at once,
    // rather than each one failing its own way after a connection timeout.
    const dbState = app.get(DatabaseState);
    configureHttpSurface(
      app,
      env,
      (req) => auth.hasSession(req),
      (req: Request, res: Response, next: NextFunction) => {
        if (dbState.available || !req.path.startsWith('/api/') || req.path === '/api/health') {
          next();
          return;
        }
        const e = databaseUnavailable();
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
        res.status(503).json(e.getResponse());
      },
    );
    app.useGlobalFilters(new AllExceptionsFilter((reason) => dbState.markDown(reason)));
    app.useGlobalGuards(new ControlCharacterGuard());
    app.enableShutdownHooks = app.enableShutdownHooks.bind(app); // signals are handled above, in order

    SwaggerModule.setup('api/docs', app, openApiDocument(app));

    if (existsSync(join(env.frontendDist, 'index.html'))) {
      app.useStaticAssets(env.frontendDist, { index: false, maxAge: '1h' });
      // Client-side routes: every non-API GET that is not a file gets the app.
      app.use((req: Request, res: Response, next: NextFunction) => {
        if (req.method !== 'GET' || req.path.startsWith('/api')) return next();
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(join(env.frontendDist, 'index.html'));
      });
    } else logger.warn(`no built frontend in ${env.frontendDist}; run npm run build`);

    await app.listen(env.port, env.host);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : env.port;
    const shown = env.host === '0.0.0.0' || env.host === '::' ? 'localhost' : env.host;
    const local = env.host === '0.0.0.0' || env.host === '::' ? '127.0.0.1' : env.host.includes(':') ? `[${env.host}]` : env.host;
    const scheme = env.tls ? 'https' : 'http';
    // Embedded workers reach this process over loopback; they trust its certificate only when it is for that name.
    await app.get(EmbeddedSupervisor).start(`${scheme}://${local}:${port}`);
    process.stdout.write(
      `SIP Edge is up: ${scheme}://${shown}:${port}/  (API ${scheme}://${shown}:${port}/api, docs /api/docs; database ${db.mode})\n`,
    );
  } catch (e) {
    logger.error(`start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    await shutdown('start-up failure', 1);
  }
}

void bootstrap();
