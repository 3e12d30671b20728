/** Helpers for reading the API's answers in tests. */

export interface FieldError {
  field: string;
  message: string;
}

/** The fields a 400 names in its `details`. */
export const fieldsOf = (body: { details?: FieldError[] }): Set<string> =>
  new Set((body.details ?? []).map((detail) => detail.field));

/** A Danish mobile number (in a range libphonenumber calls valid) that no other test uses, as typed and as E.164. */
export const newPhone = (): { typed: string; e164: string } => {
  const digits = `${Math.random() < 0.5 ? '26' : '28'}${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
  return {
    typed: `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}`,
    e164: `+45${digits}`,
  };
};
