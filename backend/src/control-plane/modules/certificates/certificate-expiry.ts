import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ENV, type Env } from '../../config/env.js';
import { EventLog } from '../../common/event-log.js';
import { Notifications } from '../../database/notifications.js';
import { AlarmsService } from '../alarms/alarms.service.js';
import { EXPIRY_WARNING_DAYS } from './certificate-inspection.js';
import { CertificatesService, type CertificateView } from './certificates.service.js';

const EXPIRING = 'certificate-expiring';
const EXPIRED = 'certificate-expired';
const SOURCE = 'control-plane';
const keyOf = (kind: string, app: string) => `${kind}:${app}`;

/**
 * Expiry alarms (issue 17): `certificate-expiring:<app>` (warning) from EXPIRY_WARNING_DAYS before notAfter,
 * `certificate-expired:<app>` (critical) from notAfter, each with one structured log line when raised. The guide's
 * catalogue (40000-40007) has no certificate event and none is invented: the lines carry `eventName`
 * `certificate-expiring`, `certificate-expired` or `certificate-renewed` and no `event` id. Checked at start, on
 * every configuration change (a renewed certificate clears the alarms) and every CERTIFICATE_CHECK_INTERVAL_S (a
 * file replaced on disk, or time passing).
 */
@Injectable()
export class CertificateExpiryWatch implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Certificates');
  private readonly events: EventLog;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly certificates: CertificatesService,
    private readonly alarms: AlarmsService,
    private readonly notifications: Notifications,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.events = new EventLog('control-plane', env.logLevel);
  }

  onApplicationBootstrap(): void {
    this.notifications.on('config_changed', () => this.schedule());
    this.notifications.onReconnect(() => this.schedule());
    this.timer = setInterval(() => this.schedule(), this.env.certificateCheckIntervalMs);
    this.timer.unref();
    this.schedule();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One check at a time; a request during one runs once more after it. */
  schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.scan()
      .catch((e: unknown) => this.logger.error(`certificate check failed: ${String(e)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
  }

  private async scan(): Promise<void> {
    // Loads the alarms' active keys (after a restart too), so a line is written when an alarm is raised, not per check.
    await this.alarms.list('active', 1, 1);
    const items = await this.certificates.list();
    const seen = new Set<string>();
    for (const c of items) {
      seen.add(c.application);
      await this.apply(c);
    }
    // An application that no longer has a certificate (or no longer exists) has nothing to expire.
    for (const key of [...this.alarms.activeKeysOf(SOURCE, `${EXPIRING}:`), ...this.alarms.activeKeysOf(SOURCE, `${EXPIRED}:`)]) {
      const app = key.slice(key.indexOf(':') + 1);
      if (!seen.has(app)) await this.alarms.clear(key);
    }
  }

  private async apply(c: CertificateView): Promise<void> {
    const f = c.certificate;
    const expiringKey = keyOf(EXPIRING, c.application);
    const expiredKey = keyOf(EXPIRED, c.application);
    if (!f) return; // unreadable material: not an expiry (the worker's own start-up alarm and GET /api/certificates say why)
    const fields = {
      application: c.application,
      subject: f.subject,
      notAfter: f.notAfter,
      daysLeft: f.daysLeft,
      fingerprint256: f.fingerprint256,
    };
    if (f.validity === 'expired') {
      if (!this.alarms.isActive(expiredKey)) {
        this.events.named(EXPIRED, 'error', fields, `TLS certificate of ${c.application} (${f.subject}) expired on ${f.notAfter}`);
        await this.alarms.raise({
          key: expiredKey,
          eventName: EXPIRED,
          severity: 'critical',
          source: SOURCE,
          trigger: 'certificate',
          reason: `The TLS certificate of ${c.application} (${f.subject}) expired on ${f.notAfter}: TLS peers refuse it`,
        });
      }
      await this.alarms.clear(expiringKey);
    } else if (f.validity === 'expiring') {
      if (!this.alarms.isActive(expiringKey)) {
        this.events.named(
          EXPIRING,
          'warn',
          fields,
          `TLS certificate of ${c.application} (${f.subject}) expires on ${f.notAfter}, in ${f.daysLeft} day(s)`,
        );
        await this.alarms.raise({
          key: expiringKey,
          eventName: EXPIRING,
          severity: 'warning',
          source: SOURCE,
          trigger: 'certificate',
          reason: `The TLS certificate of ${c.application} (${f.subject}) expires on ${f.notAfter} (${f.daysLeft} day(s) left; warned ${EXPIRY_WARNING_DAYS} days before)`,
        });
      }
      await this.alarms.clear(expiredKey);
    } else {
      if (this.alarms.isActive(expiringKey) || this.alarms.isActive(expiredKey)) {
        this.events.named(
          'certificate-renewed',
          'info',
          fields,
          `TLS certificate of ${c.application} (${f.subject}) is valid until ${f.notAfter}: expiry alarms cleared`,
        );
      }
      await this.alarms.clear(expiringKey);
      await this.alarms.clear(expiredKey);
    }
  }
}
