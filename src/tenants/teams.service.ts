import { Injectable } from '@nestjs/common';

import { TenantPrismaService } from '../core/database/tenant-prisma.service.js';
import { paginated, type PaginationQueryDto } from '../core/http/pagination.js';
import { TeamResponseDto, type CreateTeamDto, type TeamPageDto, type UpdateTeamDto } from './dto/team.dto.js';
import { TenantsRepository } from './tenants.repository.js';
import { TeamNameTakenError, TeamNotFoundError } from './tenants.errors.js';

/** The crews of the caller's tenant; availability and the overlap rule are per team. */
@Injectable()
export class TeamsService {
  constructor(
    private readonly repository: TenantsRepository,
    private readonly tenantPrisma: TenantPrismaService,
  ) {}

  async list(query: PaginationQueryDto): Promise<TeamPageDto> {
    const page = await this.repository.listTeams(this.tenantPrisma.tenantId, {
      skip: query.skip,
      take: query.pageSize,
    });
    return paginated(query, page, (team) => TeamResponseDto.from(team));
  }

  async create(dto: CreateTeamDto): Promise<TeamResponseDto> {
    const tenantId = this.tenantPrisma.tenantId;
    // The unique index (tenant, name) answers a concurrent duplicate with 409 as well.
    const team = await this.tenantPrisma.transaction(async (tx) => {
      if (await this.repository.findTeamByName(tenantId, dto.name, tx)) throw new TeamNameTakenError();
      return this.repository.createTeam(
        tenantId,
        { name: dto.name, googleCalendarId: dto.googleCalendarId ?? null },
        tx,
      );
    });
    return TeamResponseDto.from(team);
  }

  async update(teamId: string, dto: UpdateTeamDto): Promise<TeamResponseDto> {
    const tenantId = this.tenantPrisma.tenantId;
    const team = await this.tenantPrisma.transaction(async (tx) => {
      const current = await this.repository.findTeam(tenantId, teamId, tx);
      if (!current) throw new TeamNotFoundError();
      if (dto.name !== undefined && dto.name.toLowerCase() !== current.name.toLowerCase()) {
        if (await this.repository.findTeamByName(tenantId, dto.name, tx)) throw new TeamNameTakenError();
      }
      return this.repository.updateTeam(
        tenantId,
        teamId,
        { name: dto.name, active: dto.active, googleCalendarId: dto.googleCalendarId },
        tx,
      );
    });
    return TeamResponseDto.from(team);
  }
}
