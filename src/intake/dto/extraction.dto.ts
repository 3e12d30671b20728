import { ApiProperty } from '@nestjs/swagger';

import { LeadDto } from '../../leads/dto/lead.dto.js';
import type { LeadExtraction } from '../extraction/lead-fields.js';

/** One extracted value, the words of the e-mail it was read from and how sure the extractor is. */
export class ExtractedFieldDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    description: 'A number for estimatedHours and squareMetres; the phone as E.164',
  })
  value!: string | number;

  @ApiProperty({ description: 'The verbatim text of the e-mail the value was read from' })
  quote!: string;

  @ApiProperty({ minimum: 0, maximum: 1 })
  confidence!: number;
}

const FIELD = { type: ExtractedFieldDto, nullable: true, description: 'null when nobody found it' };

/** What an extractor read from a lead mail (LeadExtraction), as OpenAPI shows it. */
export class LeadExtractionDto {
  @ApiProperty(FIELD) customerName!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) customerEmail!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) customerPhone!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) address!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) postalCode!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) city!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) serviceType!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) estimatedHours!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) squareMetres!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) priority!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) notes!: ExtractedFieldDto | null;
  @ApiProperty(FIELD) companyName!: ExtractedFieldDto | null;
  @ApiProperty({ ...FIELD, description: 'The CVR number, 8 digits; null when nobody found it' })
  cvr!: ExtractedFieldDto | null;

  @ApiProperty({ type: [String], description: 'What was dropped, guessed or ignored' })
  warnings!: string[];

  @ApiProperty({ enum: ['leadpoint', 'leadmail', 'booking_form', 'email'] })
  source!: LeadExtraction['source'];

  @ApiProperty({ example: 'parser:leadpoint', description: '`parser:<name>` or `ai:<model>`' })
  extractor!: LeadExtraction['extractor'];
}

/** POST /ai/extract: what the intake would read, creating nothing. */
export class ExtractionPreviewResponseDto {
  @ApiProperty({ type: LeadExtractionDto }) extraction!: LeadExtraction;
  @ApiProperty() needsAttention!: boolean;
  @ApiProperty({ type: String, nullable: true }) needsAttentionReason!: string | null;
}

/** POST /leads/intake: the lead created from a pasted mail. */
export class IntakeResponseDto {
  @ApiProperty({ type: LeadDto }) lead!: LeadDto;
  @ApiProperty({ type: LeadExtractionDto }) extraction!: LeadExtraction;
  @ApiProperty({ description: 'The reply to the customer was queued' }) replyQueued!: boolean;
  @ApiProperty({ description: 'The SMS with booking options was queued' }) smsOfferQueued!: boolean;
}
