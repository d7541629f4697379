import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CanEditConfig } from '../../common/auth-context.js';
import { ValidBody } from '../../common/validation.js';
import { Returns } from '../../common/response-schemas.js';
import { EXPIRY_WARNING_DAYS } from './certificate-inspection.js';
import { CertificateCheckAnswer, CertificateCheckBody, CertificateList, type CertificateCheckInput } from './certificates.schemas.js';
import { CertificatesService, type CertificateCheckAnswer as Answer, type CertificateView } from './certificates.service.js';

/**
 * The TLS material of every SIP Proxy application (issue 17, "Certificates"): every role reads it (no key material is
 * ever returned); the dry run reads files and the stored key, so operators and admins only.
 */
@ApiTags('certificates')
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get()
  @Returns(CertificateList)
  async list(): Promise<{ expiryWarningDays: number; items: CertificateView[] }> {
    return { expiryWarningDays: EXPIRY_WARNING_DAYS, items: await this.certificates.list() };
  }

  /** Would the worker accept this certificate (and a save keep it)? Nothing is saved. */
  @Post('check')
  @HttpCode(200)
  @CanEditConfig()
  @Returns(CertificateCheckAnswer)
  check(@ValidBody(CertificateCheckBody) body: CertificateCheckInput): Promise<Answer> {
    return this.certificates.check(body);
  }
}
