import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import type { Team } from '../../generated/prisma/client.js';
import { PageOf } from '../../core/http/pagination.js';
import { PatchFlag, PatchText, RequiredText } from '../../core/validation/fields.js';

export class CreateTeamDto {
  @RequiredText(100, { example: 'Hold 2' })
  name!: string;

  @ApiPropertyOptional({ example: 'hold2@group.calendar.google.com' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  googleCalendarId?: string;
}

export class UpdateTeamDto {
  @PatchText(100, { example: 'Hold 2' })
  name?: string;

  @PatchFlag({ description: 'An inactive team gets no new bookings' })
  active?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null disconnects the calendar' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  googleCalendarId?: string | null;
}

export class TeamResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Hold 1' }) name!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, nullable: true }) googleCalendarId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static from(team: Team): TeamResponseDto {
    return Object.assign(new TeamResponseDto(), {
      id: team.id,
      name: team.name,
      active: team.active,
      googleCalendarId: team.googleCalendarId,
      createdAt: team.createdAt.toISOString(),
      updatedAt: team.updatedAt.toISOString(),
    });
  }
}

export class TeamPageDto extends PageOf(TeamResponseDto) {}
