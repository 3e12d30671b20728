import { Inject, Injectable, Logger } from '@nestjs/common';

import type { ExtractionRules } from '../tenants/tenant-defaults.js';
import type { OwnContacts } from './extraction/contacts.js';
import {
  emptyExtraction,
  LEAD_FIELD_NAMES,
  setField,
  type ExtractedField,
  type LeadExtraction,
  type LeadFieldName,
  type LeadFieldValues,
} from './extraction/lead-fields.js';
import { leadExtractionRequest } from './extraction/gemini-prompt.js';
import { validateExtraction } from './extraction/validate.js';
import { GEMINI_CLIENT, type GeminiClient } from '../integrations/gemini/gemini.client.js';
import { CredentialsService } from '../integrations/credentials/credentials.service.js';
import { isIntegrationError } from '../integrations/integration-error.js';
import { failureOf } from '../integrations/provider-failure.js';
import { leadEmailText, type LeadEmail } from './parsers/label-parser.js';
import { decoded, detectLayout, extractWithParsers } from './parsers/parse-lead-email.js';

export interface ExtractOptions {
  rules: ExtractionRules;
  own: OwnContacts;
}

/** When the AI and the parser read a required field differently, a human decides: below any minimum. */
const DISAGREEMENT_CONFIDENCE = 0.5;

const NUMERIC_FIELDS: ReadonlySet<LeadFieldName> = new Set(['estimatedHours', 'squareMetres']);

/**
 * Lead extraction (docs/architecture.md, step 5): Gemini when the tenant has it, cross-checked by the
 * portal parsers, which stand in when Gemini is not configured, fails, times out or answers nonsense.
 * Both results go through the same validation (quotes must be in the mail, Danish phone, valid e-mail,
 * never the portal's or our own contact details), so an instruction hidden in the mail can at most
 * change a field it quotes — and a disagreement between the two readers sends the lead to a human.
 */
@Injectable()
export class LeadExtractor {
  private readonly logger = new Logger(LeadExtractor.name);

  constructor(
    @Inject(GEMINI_CLIENT) private readonly gemini: GeminiClient,
    private readonly credentials: CredentialsService,
  ) {}

  async extract(mail: LeadEmail, options: ExtractOptions): Promise<LeadExtraction> {
    const result = await this.read(mail, options);
    // A body cut at the limits still makes a lead; the person reading it learns the mail was longer.
    return mail.warnings?.length ? { ...result, warnings: [...result.warnings, ...mail.warnings] } : result;
  }

  private async read(mail: LeadEmail, options: ExtractOptions): Promise<LeadExtraction> {
    const input = decoded(mail);
    const validation = { rules: options.rules, own: options.own };
    const parsed = extractWithParsers(input, validation);
    const text = leadEmailText(input);

    let answer: { model: string; answer: unknown } | null;
    try {
      answer = await this.gemini.generateJson(leadExtractionRequest(text));
    } catch (error) {
      if (!isIntegrationError(error, 'Gemini')) throw error;
      this.logger.warn({ message: 'Gemini unavailable; the parsers stand in', reason: error.message });
      // GET /integrations shows it: a rejected key needs an admin, even though the parsers carried on.
      await this.credentials.recordFailure('gemini', failureOf(error), {
        needsAttention: error.kind === 'needs_attention',
      });
      return withWarning(parsed, `AI unavailable (${error.message}); read by ${parsed.extractor}`);
    }
    if (!answer) return parsed;
    await this.credentials.recordSuccess('gemini');

    const fromAi = toExtraction(answer.answer, parsed.source, `ai:${answer.model}`);
    if (!fromAi) return withWarning(parsed, `AI answer unusable; read by ${parsed.extractor}`);
    const checked = validateExtraction(fromAi, { ...validation, text });
    return merge(checked, parsed, detectLayout(input) !== 'generic');
  }
}

function withWarning(result: LeadExtraction, warning: string): LeadExtraction {
  return { ...result, warnings: [...result.warnings, warning] };
}

/**
 * The model's JSON as a LeadExtraction, each field checked for shape (a value, a quote, a confidence
 * clamped to 0–1). Null when nothing usable came back: that is nonsense, not an empty e-mail.
 */
export function toExtraction(
  answer: unknown,
  source: LeadExtraction['source'],
  extractor: `ai:${string}`,
): LeadExtraction | null {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return null;
  const result = emptyExtraction(source, extractor);
  let usable = 0;
  for (const name of LEAD_FIELD_NAMES) {
    const field = toField(name, (answer as Record<string, unknown>)[name]);
    if (field) usable += 1;
    setField(result, name, field as ExtractedField<LeadFieldValues[typeof name]> | null);
  }
  return usable > 0 ? result : null;
}

function toField(name: LeadFieldName, raw: unknown): ExtractedField<unknown> | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { value, quote, confidence } = raw as Record<string, unknown>;
  if (typeof quote !== 'string' || quote.trim() === '') return null;
  const sure =
    typeof confidence === 'number' && Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0;
  if (NUMERIC_FIELDS.has(name)) {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value.replace(',', '.')) : NaN;
    return Number.isFinite(number) && number > 0 ? { value: number, quote, confidence: sure } : null;
  }
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (name === 'priority' && !['low', 'medium', 'high'].includes(value)) return null;
  return { value: value.trim(), quote, confidence: sure };
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) < 1e-9;
  const norm = (v: unknown) => String(v).toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

/**
 * Field by field: agreement keeps the surer reading; one reader alone keeps its reading; disagreement
 * keeps the portal parser's reading for a known portal layout (its labels are exact) and the AI's for
 * free text, at a confidence low enough that a human looks at it.
 */
export function merge(ai: LeadExtraction, parsed: LeadExtraction, knownLayout: boolean): LeadExtraction {
  const result: LeadExtraction = {
    ...ai,
    warnings: [...ai.warnings, ...parsed.warnings.map((w) => `parser: ${w}`)],
  };
  for (const name of LEAD_FIELD_NAMES) {
    const a = ai[name] as ExtractedField<unknown> | null;
    const p = parsed[name] as ExtractedField<unknown> | null;
    let chosen: ExtractedField<unknown> | null;
    if (!a || !p) chosen = a ?? p;
    else if (same(a.value, p.value)) chosen = a.confidence >= p.confidence ? a : p;
    else {
      const kept = knownLayout ? p : a;
      chosen = { ...kept, confidence: Math.min(kept.confidence, DISAGREEMENT_CONFIDENCE) };
      result.warnings.push(
        `${name}: AI read "${String(a.value)}", parser read "${String(p.value)}"; kept "${String(kept.value)}"`,
      );
    }
    setField(result, name, chosen as ExtractedField<LeadFieldValues[typeof name]> | null);
  }
  return result;
}
