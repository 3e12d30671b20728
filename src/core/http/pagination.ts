import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { FieldError } from './domain-error.js';

/**
 * The largest page a list answers (docs/architecture.md, Wire conventions); more is a 400, not a silent cap.
 */
export const MAX_PAGE_SIZE = 100;

/** `?page=1&pageSize=20`: every list route extends this query DTO. */
export class PaginationQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize: number = 20;

  get skip(): number {
    return (this.page - 1) * this.pageSize;
  }
}

export class PageMetaDto {
  @ApiProperty({ example: 42 }) total!: number;
  @ApiProperty({ example: 1 }) page!: number;
  @ApiProperty({ example: 20 }) pageSize!: number;
  @ApiProperty({ example: 3 }) totalPages!: number;

  static of(query: PaginationQueryDto, total: number): PageMetaDto {
    return Object.assign(new PageMetaDto(), {
      total,
      page: query.page,
      pageSize: query.pageSize,
      totalPages: Math.ceil(total / query.pageSize),
    });
  }
}

/**
 * The body of a list route: a page of `item` and its meta. `export class XPageDto extends PageOf(XDto) {}`
 * keeps the name OpenAPI shows.
 */
export function PageOf<T>(item: Class<T>) {
  class Page {
    @ApiProperty({ type: [item] }) data!: T[];
    @ApiProperty({ type: PageMetaDto }) meta!: PageMetaDto;
  }
  return Page;
}

/** One page of rows as the repository hands them over. */
export interface Page<T> {
  rows: T[];
  total: number;
}

/** A list answer: `{ data, meta: { total, page, pageSize, totalPages } }`. */
export interface Paginated<T> {
  data: T[];
  meta: PageMetaDto;
}

export function paginated<T, R>(query: PaginationQueryDto, page: Page<T>, map: (row: T) => R): Paginated<R> {
  return { data: page.rows.map(map), meta: PageMetaDto.of(query, page.total) };
}

/**
 * `?sort=field:asc|desc` against a list of sortable fields; anything else is a 400 naming `sort`.
 * Returns a Prisma `orderBy` with `id` as the tie-breaker, so pages never overlap.
 */
export function parseSort<F extends string>(
  sort: string | undefined,
  allowed: readonly F[],
  fallback: { field: F; direction: 'asc' | 'desc' },
): Array<Record<string, 'asc' | 'desc'>> {
  const match = sort ? /^([A-Za-z]+):(asc|desc)$/.exec(sort) : null;
  if (sort && (!match || !allowed.includes(match[1] as F))) {
    throw new FieldError('sort', `sort must be one of ${allowed.map((f) => `${f}:asc|desc`).join(', ')}`);
  }
  const field = (match?.[1] as F | undefined) ?? fallback.field;
  const direction = (match?.[2] as 'asc' | 'desc' | undefined) ?? fallback.direction;
  return [{ [field]: direction }, { id: direction }];
}
