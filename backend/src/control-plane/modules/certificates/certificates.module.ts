import { Module } from '@nestjs/common';
import { CertificateExpiryWatch } from './certificate-expiry.js';
import { CertificatesController } from './certificates.controller.js';
import { CertificatesService } from './certificates.service.js';

/** The TLS material of the SIP Proxy applications: GET /api/certificates, the dry run, and the expiry alarms. */
@Module({ controllers: [CertificatesController], providers: [CertificatesService, CertificateExpiryWatch] })
export class CertificatesModule {}
