/**
 * The one shape every lead extractor returns (docs/architecture.md, step 5), whether a portal parser or
 * the AI. Each field carries the exact words of the e-mail it came from (`quote`) and how sure the
 * extractor is (`confidence`, 0–1), so validation can drop a value the e-mail does not support and the
 * lead can be flagged for a human when it is not confident enough. A field nobody found is `null`.
 */

export type LeadSource = 'leadpoint' | 'leadmail' | 'booking_form' | 'email';

/** `parser:leadpoint`, `parser:generic`, `ai:gemini-2.5-flash`… — stored with the lead's extraction. */
export type ExtractorId = `parser:${string}` | `ai:${string}`;

export type LeadPriority = 'low' | 'medium' | 'high';

/** One extracted value, the verbatim text it was read from, and the extractor's confidence (0–1). */
export interface ExtractedField<T> {
  value: T;
  quote: string;
  confidence: number;
}

/** The value type of each field once extracted (phone as E.164 after validation). */
export interface LeadFieldValues {
  customerName: string;
  customerEmail: string;
  customerPhone: string;
  address: string;
  postalCode: string;
  city: string;
  serviceType: string;
  estimatedHours: number;
  squareMetres: number;
  priority: LeadPriority;
  notes: string;
  /** The company the customer writes for ("Fynsk Revision ApS"), when the mail names one. */
  companyName: string;
  /** The company's CVR number: 8 digits, no spaces. */
  cvr: string;
}

export type LeadFieldName = keyof LeadFieldValues;

export type LeadFields = { [K in LeadFieldName]: ExtractedField<LeadFieldValues[K]> | null };

export interface LeadExtraction extends LeadFields {
  /** Human-readable notes on what was dropped, guessed or ignored; shown with the lead. */
  warnings: string[];
  source: LeadSource;
  extractor: ExtractorId;
}

export const LEAD_FIELD_NAMES: readonly LeadFieldName[] = [
  'customerName',
  'customerEmail',
  'customerPhone',
  'address',
  'postalCode',
  'city',
  'serviceType',
  'estimatedHours',
  'squareMetres',
  'priority',
  'notes',
  'companyName',
  'cvr',
];

/** What a lead cannot be booked without; below the tenant's minimum confidence it needs a human. */
export const REQUIRED_LEAD_FIELDS: readonly LeadFieldName[] = [
  'customerName',
  'customerPhone',
  'address',
  'postalCode',
  'city',
  'serviceType',
];

/** A result with every field empty, for an extractor to fill in. */
export function emptyExtraction(source: LeadSource, extractor: ExtractorId): LeadExtraction {
  return {
    customerName: null,
    customerEmail: null,
    customerPhone: null,
    address: null,
    postalCode: null,
    city: null,
    serviceType: null,
    estimatedHours: null,
    squareMetres: null,
    priority: null,
    notes: null,
    companyName: null,
    cvr: null,
    warnings: [],
    source,
    extractor,
  };
}

/** Sets a field with its type checked against the field name (a plain index write loses that). */
export function setField<K extends LeadFieldName>(
  result: LeadFields,
  name: K,
  field: ExtractedField<LeadFieldValues[K]> | null,
): void {
  (result as Record<LeadFieldName, ExtractedField<unknown> | null>)[name] = field;
}
