import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ConflictError } from '../core/http/domain-error.js';
import { LeadDto } from '../leads/dto/lead.dto.js';
import { LeadsService } from '../leads/leads.service.js';
import { pastedMail, type MailTextDto } from './dto/mail-text.dto.js';
import type { LeadExtraction } from './extraction/lead-fields.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';

export interface IntakeResultDto {
  lead: LeadDto;
  extraction: LeadExtraction;
  replyQueued: boolean;
  smsOfferQueued: boolean;
}

/** A lead mail pasted in by staff (`POST /leads/intake`), through the same pipeline as Gmail's. */
@Injectable()
export class PastedMailIntake {
  constructor(
    private readonly pipeline: LeadIntakePipeline,
    private readonly leads: LeadsService,
  ) {}

  async create(dto: MailTextDto): Promise<IntakeResultDto> {
    // The same mail pasted twice (a double click, two colleagues) is one lead: its text is its key.
    const digest = createHash('sha256').update(dto.text.replace(/\r\n?/g, '\n').trim()).digest('hex');
    const key = `paste:${digest.slice(0, 40)}`;
    // Pasting a mail whose lead was deleted is a deliberate new start (a Gmail redelivery is not).
    await this.leads.releaseDeletedSource(key);
    const result = await this.pipeline.createFromMail(pastedMail(dto.text), {
      sourceMessageId: key,
      threadId: null,
      rfcMessageId: null,
      senderEmail: null,
      ...(dto.source ? { source: dto.source } : {}),
    });
    if (!result.created)
      throw new ConflictError('This e-mail was already pasted in as a lead', { leadId: result.lead.id });
    return {
      lead: LeadDto.from(result.lead),
      extraction: result.extraction,
      replyQueued: result.replyQueued,
      smsOfferQueued: result.smsOfferQueued,
    };
  }
}
