import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { flattenValidationErrors } from '../../core/http/validation.js';
import type { IntegrationProvider } from '../../integrations/credentials/credentials.providers.js';
import { InvalidCredentialsInputError } from '../integration-settings.errors.js';
import { CREDENTIALS_INPUT_DTOS } from './credentials-input.dto.js';

/**
 * Validates a PUT body against the DTO of the provider in the path, with the same rules and error shape
 * as the global ValidationPipe (src/core/http/validation.ts): unknown properties are refused by name, and
 * the 400 lists `details: [{ field, message }]`. The global pipe cannot do this itself because the class
 * depends on a path parameter.
 */
export async function validateCredentialsInput(
  provider: IntegrationProvider,
  body: unknown,
): Promise<Record<string, string>> {
  // No body at all is treated as an empty object, so the answer names every missing field.
  const plain = body === undefined || body === null ? {} : body;
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw new InvalidCredentialsInputError([{ field: 'body', message: 'body must be a JSON object' }]);
  }
  const instance = plainToInstance(CREDENTIALS_INPUT_DTOS[provider], plain) as object;
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: false },
  });
  if (errors.length > 0) throw new InvalidCredentialsInputError(flattenValidationErrors(errors));

  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(instance)) {
    if (typeof value === 'string') result[key] = value;
  }
  return result;
}
