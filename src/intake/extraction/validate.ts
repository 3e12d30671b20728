import { normalizePhone } from '../../core/phone/phone.js';
import { MAX_EMAIL_LENGTH } from '../../core/validation/text.js';
import type { ExtractionRules } from '../../tenants/tenant-defaults.js';
import { isNonCustomerEmail, isNonCustomerPhone, type OwnContacts } from './contacts.js';
import {
  LEAD_FIELD_NAMES,
  REQUIRED_LEAD_FIELDS,
  setField,
  type ExtractedField,
  type LeadExtraction,
  type LeadFieldName,
} from './lead-fields.js';
import { MAX_EMAIL_LOCAL_CHARS } from './limits.js';
import { pickCustomerPhone } from './phones.js';
import { normalizeServiceType } from './service-types.js';
import { normalizeForQuote } from './text-lines.js';

/**
 * The checks every extractor's result goes through, AI or parser alike (docs/architecture.md, step 5).
 * The mail is data, never instructions, and an extractor can misread or invent: so a value must be
 * backed by words actually in the mail, contact details must be real and the customer's, and whatever
 * is dropped or guessed is said in `warnings`. Pure: the input is not changed.
 */
export interface ValidationOptions {
  /** The whole mail as the extractor saw it (`leadEmailText`: From, Subject, body). */
  text: string;
  /** The tenant's extraction rules, for estimating hours from m². */
  rules?: Pick<ExtractionRules, 'hoursPerSquareMetre'>;
  own?: OwnContacts;
}

const VALID_EMAIL =
  /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const INSTRUCTIONS =
  /ignor(?:er|e|ér)\s+(?:alle\s+|all\s+)?(?:tidligere|ovenstående|previous|prior|above)\s+(?:instruktioner|instrukser|instructions)|glem\s+(?:alle\s+)?(?:tidligere\s+)?instruktioner|s[æe]t\s+prisen\s+til|set\s+the\s+price\s+to|you are now|du er nu en/i;
const PRIORITIES = new Set(['low', 'medium', 'high']);

function drop(result: LeadExtraction, name: LeadFieldName, warning: string): void {
  setField(result, name, null);
  result.warnings.push(warning);
}

/** More hours than this is no cleaning job one lead describes (and would not fit the lead's column). */
const MAX_PLAUSIBLE_HOURS = 500;

/** Rounds up to the next half hour: a job planned too short overruns the next one. */
export function roundUpToHalfHour(hours: number): number {
  return Math.ceil(hours * 2 - 1e-9) / 2;
}

/** Hours for a job from its size: m² × the tenant's hours per m² for the service, rounded up, at least 2. */
export function estimateHours(
  squareMetres: number,
  serviceType: string,
  rules: Pick<ExtractionRules, 'hoursPerSquareMetre'>,
): number | null {
  const perSquareMetre = rules.hoursPerSquareMetre[serviceType];
  if (perSquareMetre === undefined || !(squareMetres > 0)) return null;
  return Math.max(2, roundUpToHalfHour(squareMetres * perSquareMetre));
}

export function validateExtraction(input: LeadExtraction, options: ValidationOptions): LeadExtraction {
  const result: LeadExtraction = { ...input, warnings: [...input.warnings] };
  const own = options.own ?? {};
  const haystack = normalizeForQuote(options.text);

  // Every value must be backed by its quote, and the confidence must be a probability.
  for (const name of LEAD_FIELD_NAMES) {
    const current = result[name] as ExtractedField<unknown> | null;
    if (!current) continue;
    const quote = typeof current.quote === 'string' ? normalizeForQuote(current.quote) : '';
    if (!quote || !haystack.includes(quote)) {
      drop(result, name, `${name}: dropped, its quote "${String(current.quote)}" is not in the e-mail`);
      continue;
    }
    if (typeof current.confidence !== 'number' || !Number.isFinite(current.confidence)) {
      drop(result, name, `${name}: dropped, no usable confidence`);
      continue;
    }
    setField(result, name, {
      ...(current as ExtractedField<never>),
      confidence: Math.min(1, Math.max(0, current.confidence)),
    });
  }

  validateName(result);
  validatePhone(result, options.text, own);
  validateEmail(result, own);
  validatePostalCode(result);
  validateNumbers(result);
  validateServiceAndPriority(result);
  validateCompany(result);
  if (options.rules) estimateMissingHours(result, options.rules);

  if (INSTRUCTIONS.test(options.text)) {
    result.warnings.push('The e-mail contains text addressed to the extractor; it was treated as data only.');
  }
  return result;
}

/** A CVR number is eight digits (spaces between pairs allowed as written); a company name has letters. */
function validateCompany(result: LeadExtraction): void {
  const cvr = result.cvr;
  if (cvr) {
    const digits = String(cvr.value).replace(/\s/g, '');
    if (/^\d{8}$/.test(digits)) result.cvr = { ...cvr, value: digits };
    else drop(result, 'cvr', `cvr: dropped, "${cvr.quote}" is not an 8-digit CVR number`);
  }
  const company = result.companyName;
  if (company && (typeof company.value !== 'string' || !/\p{L}/u.test(company.value))) {
    drop(result, 'companyName', `companyName: dropped, "${String(company.value)}" is not a company name`);
  } else if (company) {
    result.companyName = { ...company, value: company.value.trim().replace(/\s+/g, ' ') };
  }
}

function validateName(result: LeadExtraction): void {
  const name = result.customerName;
  if (name && (typeof name.value !== 'string' || !/\p{L}/u.test(name.value) || name.value.includes('@'))) {
    drop(result, 'customerName', `customerName: dropped, "${String(name.value)}" is not a name`);
  } else if (name) {
    result.customerName = { ...name, value: name.value.trim().replace(/\s+/g, ' ') };
  }
}

/**
 * The phone must be a Danish number (the SMS offer goes to it), not the portal's or ours; and when the
 * mail holds several, the one labelled as the customer's mobile or phone wins and the rest are reported.
 */
function validatePhone(result: LeadExtraction, text: string, own: OwnContacts): void {
  const choice = pickCustomerPhone(text, own);
  const phone = result.customerPhone;
  if (phone) {
    const e164 = normalizePhone(String(phone.value));
    if (!e164) {
      drop(result, 'customerPhone', `customerPhone: dropped, "${phone.quote}" is not a valid phone number`);
    } else if (!(e164.startsWith('+45') && e164.length === 11)) {
      drop(result, 'customerPhone', `customerPhone: dropped, ${e164} is not a Danish number`);
    } else if (isNonCustomerPhone(e164, own)) {
      drop(result, 'customerPhone', `customerPhone: dropped, ${e164} is the portal's or our own number`);
    } else {
      result.customerPhone = { ...phone, value: e164 };
    }
  }

  const best = choice.best;
  const current = result.customerPhone;
  const currentRank = current
    ? Math.max(-1, ...[best, ...choice.others].filter((c) => c?.e164 === current.value).map((c) => c!.rank))
    : -1;
  if (
    best?.danish &&
    best.e164 &&
    best.rank >= 2 &&
    best.rank > currentRank &&
    best.e164 !== current?.value
  ) {
    if (current)
      result.warnings.push(
        `customerPhone: ${current.value} replaced by ${best.e164}, labelled "${best.label}"`,
      );
    result.customerPhone = { value: best.e164, quote: best.quote, confidence: 0.9 };
  }
  const chosen = result.customerPhone?.value;
  for (const other of [best, ...choice.others]) {
    if (!other?.e164 || other.e164 === chosen) continue;
    result.warnings.push(
      chosen
        ? `customerPhone: the e-mail also has ${other.e164}${other.label ? ` (${other.label})` : ''}; using ${chosen}`
        : `customerPhone: the e-mail has ${other.e164}${other.label ? ` (${other.label})` : ''}, which is not a usable Danish number`,
    );
  }
}

function validateEmail(result: LeadExtraction, own: OwnContacts): void {
  const email = result.customerEmail;
  if (!email) return;
  const value = String(email.value)
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  // Longer than SMTP allows is no address (and no reply could be sent to it): dropped like any other.
  const local = value.indexOf('@');
  if (value.length > MAX_EMAIL_LENGTH || local > MAX_EMAIL_LOCAL_CHARS || !VALID_EMAIL.test(value)) {
    drop(result, 'customerEmail', `customerEmail: dropped, "${email.quote}" is not a valid e-mail address`);
  } else if (isNonCustomerEmail(value, own)) {
    drop(result, 'customerEmail', `customerEmail: dropped, ${value} is the portal's or our own address`);
  } else {
    result.customerEmail = { ...email, value };
  }
}

function validatePostalCode(result: LeadExtraction): void {
  const postal = result.postalCode;
  if (!postal) return;
  const value = String(postal.value)
    .trim()
    .replace(/^DK-?\s?/i, '');
  if (!/^\d{4}$/.test(value))
    drop(result, 'postalCode', `postalCode: dropped, "${postal.quote}" is not 4 digits`);
  else result.postalCode = { ...postal, value };
}

function validateNumbers(result: LeadExtraction): void {
  const hours = result.estimatedHours;
  if (hours && !(typeof hours.value === 'number' && hours.value > 0 && hours.value <= MAX_PLAUSIBLE_HOURS)) {
    drop(
      result,
      'estimatedHours',
      `estimatedHours: dropped, ${String(hours.value)} is not a plausible number of hours`,
    );
  }
  const size = result.squareMetres;
  if (size && !(typeof size.value === 'number' && size.value > 0 && size.value <= 100_000)) {
    drop(result, 'squareMetres', `squareMetres: dropped, ${String(size.value)} is not a plausible size`);
  }
}

function validateServiceAndPriority(result: LeadExtraction): void {
  const service = result.serviceType;
  if (service) {
    const normalized = normalizeServiceType(String(service.value));
    if (!normalized.value) drop(result, 'serviceType', 'serviceType: dropped, empty');
    else result.serviceType = { ...service, value: normalized.value };
  }
  const priority = result.priority;
  if (priority && !PRIORITIES.has(priority.value)) {
    drop(result, 'priority', `priority: dropped, "${String(priority.value)}" is not low, medium or high`);
  }
}

/** Missing hours from the size and the tenant's hours per m²; marked as an estimate (confidence 0.5). */
function estimateMissingHours(
  result: LeadExtraction,
  rules: Pick<ExtractionRules, 'hoursPerSquareMetre'>,
): void {
  if (result.estimatedHours || !result.squareMetres || !result.serviceType) return;
  const hours = estimateHours(result.squareMetres.value, result.serviceType.value, rules);
  if (hours === null) return;
  if (hours > MAX_PLAUSIBLE_HOURS) {
    // A job this size is planned by a person, not estimated from a table (and would not fit the column).
    result.warnings.push(
      `estimatedHours: not estimated, ${result.squareMetres.value} m² would be ${hours} h; a person must plan it`,
    );
    return;
  }
  result.estimatedHours = { value: hours, quote: result.squareMetres.quote, confidence: 0.5 };
  result.warnings.push(
    `estimatedHours: estimated ${hours} h from ${result.squareMetres.value} m² of ${result.serviceType.value}`,
  );
}

export interface AttentionVerdict {
  needsAttention: boolean;
  /** Why a human must look, in Danish for staff: "intet gyldigt telefonnummer; by er usikker (under 0,7)". */
  reason: string | null;
}

/** The required fields as staff read them on the lead and its timeline. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  customerName: 'navn',
  customerPhone: 'telefonnummer',
  address: 'adresse',
  postalCode: 'postnummer',
  city: 'by',
  serviceType: 'opgavetype',
};

/**
 * Whether the lead must wait for a human instead of getting an automatic SMS offer: without a valid
 * phone there is nobody to text, and a required field below the tenant's minimum confidence could
 * send the crew to the wrong address or quote the wrong job.
 */
export function needsAttention(result: LeadExtraction, minimumConfidence: number): AttentionVerdict {
  const reasons: string[] = [];
  if (!result.customerPhone) reasons.push('intet gyldigt telefonnummer');
  const threshold = String(minimumConfidence).replace('.', ',');
  for (const name of REQUIRED_LEAD_FIELDS) {
    const current = result[name];
    const label = FIELD_LABELS[name] ?? name;
    if (!current) {
      if (name !== 'customerPhone') reasons.push(`${label} mangler`);
    } else if (current.confidence < minimumConfidence) {
      reasons.push(`${label} er usikker (under ${threshold})`);
    }
  }
  return { needsAttention: reasons.length > 0, reason: reasons.length > 0 ? reasons.join('; ') : null };
}
