import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import { LeadSource } from '../../generated/prisma/enums.js';
import { MAX_HEADER_CHARS, MAX_MAIL_TEXT_CHARS } from '../extraction/limits.js';
import type { LeadEmail } from '../parsers/label-parser.js';

const SOURCES = Object.values(LeadSource);

/** Body of `POST /ai/extract` and `POST /leads/intake`: a lead mail pasted as text. */
export class MailTextDto {
  @ApiProperty({
    description:
      'The e-mail as text. Leading "From:"/"Fra:" and "Subject:"/"Emne:" lines are read as its headers.',
    maxLength: MAX_MAIL_TEXT_CHARS,
    example:
      'Fra: mette@example.dk\nEmne: Flytterengøring\n\nHej, jeg skal have gjort rent i min lejlighed på ' +
      '65 m² på Vestergade 12, 8000 Aarhus C. Mvh Mette Jensen, 22 33 44 55',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_MAIL_TEXT_CHARS, {
    message: `$property must be at most ${MAX_MAIL_TEXT_CHARS} characters (the e-mail's text; leave out attachments and quoted history)`,
  })
  text!: string;

  @ApiPropertyOptional({ enum: SOURCES, description: 'Where the lead came from; detected when left out' })
  @IsOptional()
  @IsIn(SOURCES)
  source?: LeadSource;
}

const HEADER = /^(from|fra|subject|emne)\s*:\s*(.*)$/i;

/** Splits pasted text into the mail a parser reads: the leading header lines, then the body. */
export function pastedMail(text: string): LeadEmail {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let from = '';
  let subject = '';
  let index = 0;
  for (; index < lines.length && index < 6; index++) {
    const match = HEADER.exec(lines[index]!.trim());
    if (!match) break;
    // Headers are read as far as a real one goes (see MAX_HEADER_CHARS).
    const value = match[2]!.trim().slice(0, MAX_HEADER_CHARS);
    if (/^(from|fra)$/i.test(match[1]!)) from = value;
    else subject = value;
  }
  return { from, subject, text: lines.slice(index).join('\n').trim() };
}
