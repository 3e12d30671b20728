import { ApiProperty } from '@nestjs/swagger';

import { PatchText, RequiredText } from '../../core/validation/fields.js';
import { EmailTemplateType, SmsTemplateType } from '../../generated/prisma/enums.js';

/** The longest template text accepted: an e-mail body, and an SMS (two segments are far less). */
export const MAX_SUBJECT_LENGTH = 200;
export const MAX_EMAIL_BODY_LENGTH = 10_000;
export const MAX_SMS_BODY_LENGTH = 1_000;

const PLACEHOLDER_RULE =
  "Text with `{{placeholders}}` from the type's `placeholders` list only (another is a 400 naming it)";

/** `PUT /email-templates/:type`. */
export class UpdateEmailTemplateDto {
  @RequiredText(MAX_SUBJECT_LENGTH, {
    example: 'Din booking er bekræftet: {{bookingDate}} kl. {{bookingTime}}',
    description: `${PLACEHOLDER_RULE}; one line`,
  })
  subject!: string;

  @RequiredText(MAX_EMAIL_BODY_LENGTH, {
    example: '{{greeting}}\n\nTak for din booking.',
    description: PLACEHOLDER_RULE,
  })
  body!: string;
}

/** `POST /email-templates/:type/preview`: the stored template, or the parts given instead. */
export class PreviewEmailTemplateDto {
  @PatchText(MAX_SUBJECT_LENGTH, { description: 'Preview this subject instead of the stored one' })
  subject?: string;

  @PatchText(MAX_EMAIL_BODY_LENGTH, { description: 'Preview this body instead of the stored one' })
  body?: string;
}

/** `PUT /sms-templates/:type`. */
export class UpdateSmsTemplateDto {
  @RequiredText(MAX_SMS_BODY_LENGTH, {
    example: 'Påmindelse: Vi kommer {{dateTime}} til {{address}}. Mvh {{companyName}}',
    description: `${PLACEHOLDER_RULE}; filled with typical values it must fit two segments (306 GSM-7 characters)`,
  })
  body!: string;
}

/** `POST /sms-templates/:type/preview`: the stored text, or the body given instead. */
export class PreviewSmsTemplateDto {
  @PatchText(MAX_SMS_BODY_LENGTH, { description: 'Preview this body instead of the stored one' })
  body?: string;
}

export class EmailTemplateDto {
  @ApiProperty({ enum: EmailTemplateType, enumName: 'EmailTemplateType', example: 'booking_confirmation' })
  type!: EmailTemplateType;
  @ApiProperty({ example: 'Bekræftelse af booking' }) name!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: [String], description: 'The placeholders this type may use', example: ['greeting'] })
  placeholders!: string[];
  @ApiProperty({ description: 'True when the text is the default wording' }) isDefault!: boolean;
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'Null: never stored' })
  updatedAt!: string | null;
}

export class EmailTemplateListDto {
  @ApiProperty({ type: [EmailTemplateDto] }) data!: EmailTemplateDto[];
}

export class SmsTemplateDto {
  @ApiProperty({ enum: SmsTemplateType, enumName: 'SmsTemplateType', example: 'booking_reminder' })
  type!: SmsTemplateType;
  @ApiProperty({ example: 'Påmindelse om booking' }) name!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: [String], description: 'The placeholders this type may use', example: ['dateTime'] })
  placeholders!: string[];
  @ApiProperty({ description: 'True when the default wording is sent (the tenant has stored none)' })
  isDefault!: boolean;
  @ApiProperty({ format: 'date-time', type: String, nullable: true, description: 'Null: the default' })
  updatedAt!: string | null;
}

export class SmsTemplateListDto {
  @ApiProperty({ type: [SmsTemplateDto] }) data!: SmsTemplateDto[];
}

export class EmailPreviewDto {
  @ApiProperty({ example: 'Din booking er bekræftet: torsdag d. 24. september 2026 kl. 10.00' })
  subject!: string;
  @ApiProperty() body!: string;
}

export class SmsPreviewDto {
  @ApiProperty({ description: 'As it would be sent (GSM-7)' }) body!: string;
  @ApiProperty({ description: 'Characters as a handset counts them', example: 142 }) characters!: number;
  @ApiProperty({ example: 1 }) segments!: number;
  @ApiProperty({ enum: ['GSM-7', 'UCS-2'] }) encoding!: string;
}
