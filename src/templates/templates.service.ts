import { Injectable } from '@nestjs/common';

import { AuditService } from '../auth/audit.service.js';
import type { Actor } from '../auth/principal.js';
import { TenantPrismaService, type ScopedTransaction } from '../core/database/tenant-prisma.service.js';
import type { EmailTemplate, SmsTemplate } from '../generated/prisma/client.js';
import type { SmsTemplateType } from '../generated/prisma/enums.js';
import { DEFAULT_SMS_TEMPLATES, SMS_TEMPLATE_TYPES } from '../sms/text/sms-templates.js';
import { DEFAULT_EMAIL_TEMPLATES } from '../tenants/tenant-defaults.js';
import type { EmailPreviewDto, EmailTemplateDto, SmsPreviewDto, SmsTemplateDto } from './dto/template.dto.js';
import {
  checkEmailTemplate,
  checkPlaceholders,
  checkSmsTemplate,
  EMAIL_TEMPLATE_TYPES,
  emailPlaceholders,
  isEmailTemplateType,
  renderEmailSample,
  renderSmsSample,
  smsPlaceholders,
  UnknownTemplateTypeError,
  type EditableEmailType,
} from './template-rules.js';

const defaultEmail = (type: EditableEmailType) => DEFAULT_EMAIL_TEMPLATES.find((t) => t.type === type)!;

/**
 * The tenant's customer texts: its e-mail templates (a row per type,
 * seeded when the tenant is made) and its SMS texts (a row only where the tenant changed the default).
 * Every query runs as the current tenant, so one tenant never reads or writes another's.
 */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly db: TenantPrismaService,
    private readonly audit: AuditService,
  ) {}

  // E-mail ----------------------------------------------------------------------------------------

  async listEmail(): Promise<EmailTemplateDto[]> {
    const rows = await this.db.client.emailTemplate.findMany({ where: { tenantId: this.db.tenantId } });
    return EMAIL_TEMPLATE_TYPES.map((type) =>
      toEmailDto(
        type,
        rows.find((row) => row.type === type),
      ),
    );
  }

  async getEmail(type: string): Promise<EmailTemplateDto> {
    const editable = emailType(type);
    return toEmailDto(editable, (await this.emailRow(editable)) ?? undefined);
  }

  async putEmail(
    actor: Actor,
    type: string,
    input: { subject: string; body: string },
  ): Promise<EmailTemplateDto> {
    const editable = emailType(type);
    checkEmailTemplate(editable, input);
    return toEmailDto(editable, await this.storeEmail(actor, editable, input.subject, input.body, 'edit'));
  }

  /** The default wording again (the row is kept: it carries whether the e-mail is sent at all). */
  async resetEmail(actor: Actor, type: string): Promise<EmailTemplateDto> {
    const editable = emailType(type);
    const initial = defaultEmail(editable);
    return toEmailDto(
      editable,
      await this.storeEmail(actor, editable, initial.subject, initial.content, 'reset'),
    );
  }

  async previewEmail(type: string, input: { subject?: string; body?: string }): Promise<EmailPreviewDto> {
    const editable = emailType(type);
    checkEmailTemplate(editable, input);
    const stored = toEmailDto(editable, (await this.emailRow(editable)) ?? undefined);
    return renderEmailSample(
      editable,
      { subject: input.subject ?? stored.subject, body: input.body ?? stored.body },
      await this.companyName(),
    );
  }

  // SMS -------------------------------------------------------------------------------------------

  async listSms(): Promise<SmsTemplateDto[]> {
    const rows = await this.db.client.smsTemplate.findMany({ where: { tenantId: this.db.tenantId } });
    return SMS_TEMPLATE_TYPES.map((type) =>
      toSmsDto(
        type,
        rows.find((row) => row.type === type),
      ),
    );
  }

  async getSms(type: string): Promise<SmsTemplateDto> {
    const known = smsType(type);
    return toSmsDto(known, (await this.smsRow(known)) ?? undefined);
  }

  async putSms(actor: Actor, type: string, input: { body: string }): Promise<SmsTemplateDto> {
    const known = smsType(type);
    checkSmsTemplate(known, input.body, await this.companyName());
    const tenantId = this.db.tenantId;
    const row = await this.db.transaction(async (tx) => {
      const stored = await tx.smsTemplate.upsert({
        where: { tenantId_type: { tenantId, type: known } },
        create: { tenantId, type: known, body: input.body },
        update: { body: input.body },
      });
      await this.record(tx, actor, 'sms_template', known, 'edit');
      return stored;
    });
    return toSmsDto(known, row);
  }

  /** Back to the default: the tenant's row goes, and the default wording is sent again. */
  async resetSms(actor: Actor, type: string): Promise<SmsTemplateDto> {
    const known = smsType(type);
    await this.db.transaction(async (tx) => {
      await tx.smsTemplate.deleteMany({ where: { tenantId: this.db.tenantId, type: known } });
      await this.record(tx, actor, 'sms_template', known, 'reset');
    });
    return toSmsDto(known, undefined);
  }

  async previewSms(type: string, input: { body?: string }): Promise<SmsPreviewDto> {
    const known = smsType(type);
    const companyName = await this.companyName();
    // The placeholders are checked as a PUT checks them; an over-long text is shown with its length.
    if (input.body !== undefined) checkPlaceholders('body', input.body, smsPlaceholders(known));
    const body = input.body ?? toSmsDto(known, (await this.smsRow(known)) ?? undefined).body;
    return renderSmsSample(known, body, companyName);
  }

  // -----------------------------------------------------------------------------------------------

  private emailRow(type: EditableEmailType): Promise<EmailTemplate | null> {
    return this.db.client.emailTemplate.findUnique({
      where: { tenantId_type: { tenantId: this.db.tenantId, type } },
    });
  }

  private smsRow(type: SmsTemplateType): Promise<SmsTemplate | null> {
    return this.db.client.smsTemplate.findUnique({
      where: { tenantId_type: { tenantId: this.db.tenantId, type } },
    });
  }

  private storeEmail(
    actor: Actor,
    type: EditableEmailType,
    subject: string,
    content: string,
    change: 'edit' | 'reset',
  ): Promise<EmailTemplate> {
    const tenantId = this.db.tenantId;
    return this.db.transaction(async (tx) => {
      const stored = await tx.emailTemplate.upsert({
        where: { tenantId_type: { tenantId, type } },
        create: { tenantId, type, name: defaultEmail(type).name, subject, content },
        update: { subject, content },
      });
      await this.record(tx, actor, 'email_template', type, change);
      return stored;
    });
  }

  /** Who changed which text, in the audit log (the type and the kind of change: the row holds the text). */
  private record(
    tx: ScopedTransaction,
    { principal, ip }: Actor,
    targetType: 'email_template' | 'sms_template',
    type: string,
    change: 'edit' | 'reset',
  ): Promise<void> {
    return this.audit.record(
      {
        action: 'settings_change',
        tenantId: this.db.tenantId,
        actorUserId: principal.userId,
        targetType,
        targetId: type,
        ip,
        metadata: { change },
      },
      tx,
    );
  }

  private async companyName(): Promise<string> {
    const tenant = await this.db.client.tenant.findUniqueOrThrow({
      where: { id: this.db.tenantId },
      select: { name: true },
    });
    return tenant.name;
  }
}

function emailType(type: string): EditableEmailType {
  if (!isEmailTemplateType(type)) throw new UnknownTemplateTypeError('e-mail', type, EMAIL_TEMPLATE_TYPES);
  return type;
}

function smsType(type: string): SmsTemplateType {
  if (!(SMS_TEMPLATE_TYPES as string[]).includes(type))
    throw new UnknownTemplateTypeError('SMS', type, SMS_TEMPLATE_TYPES);
  return type as SmsTemplateType;
}

function toEmailDto(type: EditableEmailType, row: EmailTemplate | undefined): EmailTemplateDto {
  const initial = defaultEmail(type);
  const subject = row?.subject ?? initial.subject;
  const body = row?.content ?? initial.content;
  return {
    type,
    name: row?.name ?? initial.name,
    subject,
    body,
    placeholders: [...emailPlaceholders(type)],
    isDefault: subject === initial.subject && body === initial.content,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}

function toSmsDto(type: SmsTemplateType, row: SmsTemplate | undefined): SmsTemplateDto {
  return {
    type,
    name: DEFAULT_SMS_TEMPLATES[type].name,
    body: row?.body ?? DEFAULT_SMS_TEMPLATES[type].body,
    placeholders: [...smsPlaceholders(type)],
    isDefault: !row,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}
