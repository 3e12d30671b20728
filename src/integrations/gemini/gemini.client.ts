import { Injectable } from '@nestjs/common';

import { GoogleGenAI, type Schema } from '@google/genai';

import { AppConfig } from '../../core/config/app-config.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { IntegrationError } from '../integration-error.js';

/** How long an extraction may take before the parsers stand in. */
const TIMEOUT_MS = 20_000;

/** One JSON-mode call: the standing instruction, the user's text, and the schema the answer must fit. */
export interface GeminiJsonRequest {
  systemInstruction: string;
  text: string;
  responseSchema: Schema;
}

/** Injection token of the Gemini port. */
export const GEMINI_CLIENT = Symbol('GeminiClient');

/**
 * The port to Gemini: one JSON-mode call with a response schema the caller supplies (the lead extraction
 * keeps its own prompt and schema). Returns the parsed JSON, or null when the tenant has no Gemini key.
 * Every failure (timeout, HTTP error, an answer that is not JSON) is an IntegrationError with provider
 * Gemini; the lead extraction falls back to its parsers on any of them.
 */
export interface GeminiClient {
  /** The model id the tenant's extraction uses, or null when Gemini is not configured. */
  model(): Promise<string | null>;
  generateJson(request: GeminiJsonRequest): Promise<{ model: string; answer: unknown } | null>;
  /** Reads the model's metadata (models.get, no tokens spent): a connection test; null when not configured. */
  checkModel(): Promise<{ model: string } | null>;
}

/** What @google/genai throws: its ApiError carries the HTTP status; a timeout or network error none. */
export function toGeminiError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  const httpStatus = typeof status === 'number' ? status : null;
  const message = `Gemini call failed: ${(error as Error | null)?.message ?? String(error)}`.slice(0, 300);
  // Gemini answers a wrong or deleted key with 400 INVALID_ARGUMENT and the reason API_KEY_INVALID.
  const keyRejected = httpStatus === 400 && /API_KEY_INVALID|API key not valid/.test(message);
  const kind =
    httpStatus === 401 || httpStatus === 403 || keyRejected
      ? 'needs_attention'
      : httpStatus === null || httpStatus === 408 || httpStatus === 429 || httpStatus >= 500
        ? 'retry'
        : 'give_up';
  return new IntegrationError({ provider: 'Gemini', kind, message, httpStatus });
}

function unusableAnswer(message: string): IntegrationError {
  return new IntegrationError({ provider: 'Gemini', kind: 'retry', trouble: 'unavailable', message });
}

/** The Gemini adapter over @google/genai (the maintained successor of @google/generative-ai). */
@Injectable()
export class GoogleGeminiClient implements GeminiClient {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
  ) {}

  /** The model id the tenant's extraction uses, or null when Gemini is not configured. */
  async model(): Promise<string | null> {
    const resolved = await this.credentials.resolveCredentials('gemini');
    return resolved ? resolved.credentials.model || this.config.gemini.model : null;
  }

  async checkModel(): Promise<{ model: string } | null> {
    const resolved = await this.credentials.resolveCredentials('gemini');
    if (!resolved) return null;
    const model = resolved.credentials.model || this.config.gemini.model;
    const ai = new GoogleGenAI({
      apiKey: resolved.credentials.apiKey,
      httpOptions: { baseUrl: this.config.gemini.apiBaseUrl, timeout: TIMEOUT_MS },
    });
    try {
      await ai.models.get({ model, config: { abortSignal: AbortSignal.timeout(TIMEOUT_MS) } });
    } catch (error) {
      throw toGeminiError(error);
    }
    return { model };
  }

  async generateJson(request: GeminiJsonRequest): Promise<{ model: string; answer: unknown } | null> {
    const resolved = await this.credentials.resolveCredentials('gemini');
    if (!resolved) return null;
    const model = resolved.credentials.model || this.config.gemini.model;
    const ai = new GoogleGenAI({
      apiKey: resolved.credentials.apiKey,
      httpOptions: { baseUrl: this.config.gemini.apiBaseUrl, timeout: TIMEOUT_MS },
    });
    let text: string | undefined;
    try {
      const response = await ai.models.generateContent({
        model,
        contents: [{ role: 'user', parts: [{ text: request.text }] }],
        config: {
          systemInstruction: request.systemInstruction,
          responseMimeType: 'application/json',
          responseSchema: request.responseSchema,
          temperature: 0,
          abortSignal: AbortSignal.timeout(TIMEOUT_MS),
        },
      });
      text = response.text;
    } catch (error) {
      throw toGeminiError(error);
    }
    if (!text) throw unusableAnswer('Gemini answered without text');
    try {
      return { model, answer: JSON.parse(text) as unknown };
    } catch {
      throw unusableAnswer('Gemini answered something that is not JSON');
    }
  }
}
