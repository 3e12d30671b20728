import { normalizePhone } from '../../core/phone/phone.js';
import { fieldRule } from '../../core/validation/rule.js';
import { isEmailAddress } from '../../core/validation/text.js';

/** Hours a lead is estimated at: 0.5 to 24 in half-hour steps, the unit jobs are booked in. */
export const MIN_HOURS = 0.5;
export const MAX_HOURS = 24;

export function isHalfHours(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= MIN_HOURS &&
    value <= MAX_HOURS &&
    Number.isInteger(value * 2)
  );
}

export const IsHalfHours = fieldRule(
  'isHalfHours',
  isHalfHours,
  `$property must be a number of hours from ${MIN_HOURS} to ${MAX_HOURS} in steps of 0.5`,
);

/** An ISO 8601 date-time with an offset (or Z) that lies in the future. */
export const IsFutureDateTime = fieldRule(
  'isFutureDateTime',
  (value) =>
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    Date.parse(value) > Date.now(),
  '$property must be an ISO 8601 date-time with a time zone, in the future',
);

const present = (value: unknown) => value !== undefined && value !== null;
const hasContact = (object: object) => {
  const { customerPhone, customerEmail } = object as { customerPhone?: unknown; customerEmail?: unknown };
  return present(customerPhone) || present(customerEmail);
};
const CONTACT_REQUIRED = 'customerPhone or customerEmail is required';

/**
 * customerPhone and customerEmail together: at least one of them (a lead nobody can reach is no lead),
 * and each that is given well-formed. Both fields carry the rule, so the 400 names both when both are
 * missing, and only the bad one when one is malformed.
 */
export const IsContactPhone = fieldRule(
  'isContactPhone',
  (value, args) =>
    present(value) ? typeof value === 'string' && normalizePhone(value) !== null : hasContact(args.object),
  (args) =>
    present(args.value)
      ? `${args.property} must be a valid phone number (Danish unless +country code)`
      : CONTACT_REQUIRED,
);

export const IsContactEmail = fieldRule(
  'isContactEmail',
  (value, args) => (present(value) ? isEmailAddress(value) : hasContact(args.object)),
  (args) => (present(args.value) ? `${args.property} must be an e-mail address` : CONTACT_REQUIRED),
);

/** The same field rules for PATCH, where null clears a field and the merged lead is checked later. */
export const IsPhoneOrNull = fieldRule(
  'isPhoneOrNull',
  (value) => value === null || (typeof value === 'string' && normalizePhone(value) !== null),
  '$property must be a valid phone number (Danish unless +country code) or null',
);

export const IsEmailOrNull = fieldRule(
  'isEmailOrNull',
  (value) => value === null || isEmailAddress(value),
  '$property must be an e-mail address or null',
);

/** Kept here for the DTOs that import it with the rules above; it lives with the shared field stacks. */
export { trim } from '../../core/validation/fields.js';
