import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

import { DATE_WINDOW_RULE, IsDateInWindow } from './date-input.js';

/**
 * The field decorator stacks the DTOs share, one decorator each. Each applies its parts in the order
 * TypeScript applies a stack written above a property (the last first), so the rules are registered,
 * run and reported in the same order as the stack they replace.
 */
function stack(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, propertyKey) => {
    for (const decorator of [...decorators].reverse()) decorator(target, propertyKey);
  };
}

/** Trims text before it is validated; anything else passes as it came. */
export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Optional, but not nullable: an absent property is skipped, an explicit null is validated (and
 * refused), so a PATCH cannot null a column that must have a value. `@IsOptional()` would let null
 * through.
 */
export const IsOptionalNotNull = (options?: ValidationOptions) =>
  ValidateIf((_object, value) => value !== undefined, options);

/** Required text: trimmed, not empty, at most `maxLength` characters. */
export function RequiredText(maxLength: number, api: ApiPropertyOptions = {}) {
  return stack(ApiProperty(api), Transform(trim), IsString(), IsNotEmpty(), MaxLength(maxLength));
}

/** The same text in a PATCH: may be left out, but not null or empty. */
export function PatchText(maxLength: number, api: ApiPropertyOptions = {}) {
  return stack(
    ApiPropertyOptional(api),
    IsOptionalNotNull(),
    Transform(trim),
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
  );
}

/** A flag in a PATCH: may be left out, but not null. */
export function PatchFlag(api: ApiPropertyOptions = {}) {
  return stack(ApiPropertyOptional(api), IsOptionalNotNull(), IsBoolean());
}

/** An id in a PATCH: may be left out, but not null. */
export function PatchUuid(api: ApiPropertyOptions = {}) {
  return stack(ApiPropertyOptional({ format: 'uuid', ...api }), IsOptionalNotNull(), IsUUID());
}

/** A generated enum (`LeadStatus`, …) as OpenAPI names it; the field takes its wire values only. */
type WireEnum = Record<string, string>;

/** An optional enum filter of a query: left out, it filters nothing. */
export function OptionalEnum(values: WireEnum, enumName: string) {
  return stack(ApiPropertyOptional({ enum: values, enumName }), IsOptional(), IsIn(Object.values(values)));
}

/** An enum in a PATCH: may be left out, but not null. */
export function PatchEnum(values: WireEnum, enumName: string) {
  return stack(
    ApiPropertyOptional({ enum: values, enumName }),
    IsOptionalNotNull(),
    IsIn(Object.values(values)),
  );
}

/** A settings object in a PATCH, replaced whole and validated by its own class: may be left out, not null. */
export function PatchNested(type: new () => object, api: ApiPropertyOptions = {}) {
  return stack(
    ApiPropertyOptional({ type, ...api }),
    IsOptionalNotNull(),
    IsObject(),
    ValidateNested(),
    Type(() => type),
  );
}

/** An optional id (a filter, or a reference that may be left out). */
export function OptionalUuid(api: ApiPropertyOptions = {}) {
  return stack(ApiPropertyOptional({ type: String, format: 'uuid', ...api }), IsOptional(), IsUUID());
}

/** An optional date boundary of a query (`from`, `to`), `description` followed by the window rule. */
export function DateBoundary(description: string) {
  return stack(
    ApiPropertyOptional({ description: `${description}; ${DATE_WINDOW_RULE}` }),
    IsOptional(),
    IsDateInWindow(),
  );
}
