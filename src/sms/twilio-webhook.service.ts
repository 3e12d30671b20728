import { Inject, Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../core/config/app-config.js';
import { SystemPrismaService } from '../core/database/system-prisma.service.js';
import { TenantContextService } from '../core/database/tenant-context.js';
import { UnitOfWork } from '../core/unit-of-work/unit-of-work.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { SMS_SENDER, type SmsSender } from '../integrations/twilio/twilio.client.js';
import { TwilioSignatureError } from './sms.errors.js';
import { SmsRepository } from './sms.repository.js';
import { TwilioRoutes, type TwilioRoute } from './twilio-routes.js';

export type TwilioWebhookKind = 'sms' | 'status';

/**
 * Twilio's webhooks (docs/architecture.md, step 4). Finds the tenant by our number (`To` of an inbound text,
 * `From` of a status callback) over the system path, checks X-Twilio-Signature with that tenant's auth
 * token over the URL Twilio called (PUBLIC_BASE_URL + path + query) using twilio's own validator, and
 * records the delivery as an InboundEvent with its job, deduplicated on MessageSid (+ status): a
 * redelivery records nothing. The work happens in the job; the webhook answers at once. The number's
 * tenant and token are remembered for a short while (twilio-routes.ts), so a webhook is normally one
 * transaction: the event and its job.
 */
@Injectable()
export class TwilioWebhookService {
  private readonly logger = new Logger(TwilioWebhookService.name);

  constructor(
    private readonly system: SystemPrismaService,
    private readonly context: TenantContextService,
    private readonly unitOfWork: UnitOfWork,
    private readonly credentials: CredentialsService,
    @Inject(SMS_SENDER) private readonly sender: SmsSender,
    private readonly repository: SmsRepository,
    private readonly config: AppConfig,
    private readonly routes: TwilioRoutes,
  ) {}

  async receive(
    kind: TwilioWebhookKind,
    requestUrl: string,
    signature: string | undefined,
    body: unknown,
  ): Promise<{ recorded: boolean }> {
    const params = formParams(body);
    const ourNumber = kind === 'sms' ? params.To : params.From;
    const sid = params.MessageSid ?? params.SmsSid;
    if (!signature || !ourNumber || !sid) throw new TwilioSignatureError();
    const url = `${this.config.http.publicBaseUrl}${requestUrl}`;
    const signedBy = (route: TwilioRoute) =>
      this.sender.validSignature(route.authToken, signature, url, params);

    // A remembered route whose token does not verify the signature is looked up afresh before the
    // webhook is refused: the token may have been rotated, or the number moved to another tenant.
    let route = this.routes.get(ourNumber);
    if (!route || !signedBy(route)) {
      this.routes.forget(ourNumber);
      route = await this.resolveRoute(kind, ourNumber);
      if (!signedBy(route)) {
        this.logger.warn({
          message: 'Twilio webhook with an invalid signature',
          kind,
          tenantId: route.tenantId,
        });
        throw new TwilioSignatureError();
      }
      this.routes.remember(ourNumber, route);
    }
    const { tenantId } = route;
    return this.context.run({ tenantId }, async () => {
      const status = params.MessageStatus ?? params.SmsStatus ?? '';
      const provider = kind === 'sms' ? 'twilio_sms' : 'twilio_status';
      const dedupKey = kind === 'sms' ? sid : `${sid}:${status}`;
      const recorded = await this.unitOfWork.run(async (work) => {
        const eventId = await this.repository.recordInboundEvent(
          tenantId,
          provider,
          dedupKey,
          params,
          work.tx,
        );
        if (!eventId) return false;
        const job = kind === 'sms' ? 'sms.inbound' : 'sms.status';
        await work.enqueue(job, { tenantId, inboundEventId: eventId });
        return true;
      });
      return { recorded };
    });
  }

  /**
   * The tenant owning our number and its Twilio auth token, from the database: the system routing
   * read, then the tenant's credentials. An unknown or inactive number, or a tenant without Twilio,
   * is the same 403 as a bad signature.
   */
  private async resolveRoute(kind: TwilioWebhookKind, ourNumber: string): Promise<TwilioRoute> {
    const tenant = await this.system.transaction('webhook-routing', (tx) =>
      this.repository.tenantBySmsNumber(tx, ourNumber),
    );
    if (!tenant?.active) {
      this.logger.warn({ message: 'Twilio webhook for an unknown number', kind });
      throw new TwilioSignatureError();
    }
    const resolved = await this.context.run({ tenantId: tenant.id }, () =>
      this.credentials.resolveCredentials('twilio'),
    );
    if (!resolved) {
      this.logger.warn({ message: 'Twilio webhook for a tenant without Twilio', kind, tenantId: tenant.id });
      throw new TwilioSignatureError();
    }
    return { tenantId: tenant.id, authToken: resolved.credentials.authToken };
  }
}

/** Twilio posts flat form fields; a repeated field keeps its first value, non-strings are dropped. */
function formParams(body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (!body || typeof body !== 'object') return params;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') params[key] = value[0];
  }
  return params;
}
