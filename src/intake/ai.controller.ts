import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiErrors } from '../core/http/api-errors.decorator.js';
import { Authenticated, WRITER_ROLES } from '../auth/auth.decorators.js';
import { LeadIntakePipeline } from './lead-intake.pipeline.js';
import { ExtractionPreviewResponseDto } from './dto/extraction.dto.js';
import { MailTextDto, pastedMail } from './dto/mail-text.dto.js';
import type { LeadExtraction } from './extraction/lead-fields.js';

export interface ExtractionPreviewDto {
  extraction: LeadExtraction;
  needsAttention: boolean;
  needsAttentionReason: string | null;
}

@ApiTags('ai')
@Controller('ai')
export class AiController {
  constructor(private readonly pipeline: LeadIntakePipeline) {}

  @Post('extract')
  @HttpCode(200)
  @Authenticated({ roles: WRITER_ROLES })
  @ApiOperation({ summary: 'Preview what the intake would read from a lead mail; creates nothing' })
  @ApiOkResponse({
    type: ExtractionPreviewResponseDto,
    description: 'Each field with value, quote, confidence',
  })
  @ApiErrors({ badRequest: '`text` missing, empty or longer than 100 000 characters' })
  async extract(@Body() dto: MailTextDto): Promise<ExtractionPreviewDto> {
    const { extraction, attention } = await this.pipeline.preview(pastedMail(dto.text));
    return { extraction, needsAttention: attention.needsAttention, needsAttentionReason: attention.reason };
  }
}
