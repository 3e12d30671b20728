import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The error envelope as OpenAPI shows it: the same body for every 4xx and 5xx (see ErrorEnvelope). */
export class ErrorEnvelopeDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({
    example: 'lead_not_found',
    description:
      'Stable and machine-readable, for clients to branch on: what failed (`booking_overlap`, ' +
      '`lead_not_found`, `invoice_status`), or the kind when nothing more specific applies (`not_found`, ' +
      '`validation_failed` with the fields in `details`, `unauthorized`, `too_many_requests`, `internal_error`)',
  })
  code!: string;

  @ApiProperty({ example: 'Not Found', description: "The status's reason phrase" })
  error!: string;

  @ApiProperty({ example: 'Lead not found', description: 'What went wrong, for people' })
  message!: string;

  @ApiPropertyOptional({
    description:
      'What a client can act on: the fields that failed validation (`[{ field, message }]`), the ' +
      'conflicting records, the allowed moves; its shape is named in each response',
  })
  details?: unknown;

  @ApiProperty({ description: 'The X-Request-Id of the request, to find it in the logs' })
  requestId!: string;
}

const STATUS = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  payloadTooLarge: 413,
  unprocessable: 422,
  tooManyRequests: 429,
  badGateway: 502,
  unavailable: 503,
} as const;

/** What each error status of a route means there, in a sentence. */
export type ApiErrorDescriptions = Partial<Record<keyof typeof STATUS, string>>;

/**
 * Documents a route's error answers in one place, each with the error envelope as its body:
 * `@ApiErrors({ notFound: 'No such lead', conflict: 'An illegal move; details: { from, to, allowed }' })`.
 */
export function ApiErrors(errors: ApiErrorDescriptions) {
  return applyDecorators(
    ...Object.entries(errors).map(([name, description]) =>
      ApiResponse({ status: STATUS[name as keyof typeof STATUS], description, type: ErrorEnvelopeDto }),
    ),
  );
}
