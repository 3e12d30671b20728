import { DomainError } from './domain-error.js';

/**
 * Errors the JavaScript runtime throws on values no valid request carries: URIError when text with a
 * lone UTF-16 surrogate is URI-encoded, RangeError for an invalid date or length, or a structure too
 * deep to walk. Validation refuses each kind it knows of with a 400 naming the field; this is the net
 * under it, so an input nobody thought of is still the sender's 400 and never a 500. The filter logs
 * these with their stack, because each one marks a field whose validation should be tightened.
 */
export function mapInputError(error: unknown): DomainError | undefined {
  if (error instanceof URIError) {
    return new DomainError('validation_failed', 'A text value in the request is not well-formed Unicode');
  }
  if (error instanceof RangeError) {
    return new DomainError('validation_failed', 'A value in the request is out of range');
  }
  return undefined;
}
