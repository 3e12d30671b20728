import { ValidationPipe, type ValidationError } from '@nestjs/common';

import { DomainError } from './domain-error.js';
import type { FieldError } from './error-envelope.js';

/** Flattens class-validator's tree into `[{ field: 'lines.0.quantity', message }]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      result.push({ field, message: message.startsWith('property ') ? `${field} is not allowed` : message });
    }
    if (error.children?.length) result.push(...flattenValidationErrors(error.children, field));
  }
  return result;
}

/**
 * Strips nothing silently: a property that is not in the DTO is a 400 naming it (so a body cannot set
 * tenantId, ids or statuses by adding them), and values are converted to the DTO's types.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const fields = [...new Set(details.map((detail) => detail.field))];
      return new DomainError('validation_failed', `Invalid ${fields.join(', ')}`, details);
    },
  });
}
