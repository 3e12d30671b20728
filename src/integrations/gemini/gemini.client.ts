import { Injectable } from '@nestjs/common';

import { GoogleGenAI, type Schema } from '@google/genai';

import { AppConfig } from '../../core/config/app-config.js';
import { CredentialsService } from '../credentials/credentials.service.js';

/** How long an extraction may take before the parsers stand in. */
const TIMEOUT_MS = 20_000;

/** One JSON-mode call: the standing instruction, the user's text, and the schema the answer must fit. */
export interface GeminiJsonRequest {
  systemInstruction: string;
  text: string;
  responseSchema: Schema;
}

export class GeminiUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeminiUnavailableError';
  }
}

/**
 * The port to Gemini through @google/genai (the maintained successor of @google/generative-ai), in JSON
 * mode with a response schema the caller supplies (the lead extraction keeps its own prompt and schema).
 * Returns the parsed JSON, or null when the tenant has no Gemini key.
 * Every failure (timeout, HTTP error, an answer that is not JSON) is a GeminiUnavailableError: the
 * caller falls back (the lead extraction to its parsers).
 */
@Injectable()
export class GeminiClient {
  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
  ) {}

  /** The model id the tenant's extraction uses, or null when Gemini is not configured. */
  async model(): Promise<string | null> {
    const resolved = await this.credentials.resolveCredentials('gemini');
    return resolved ? resolved.credentials.model || this.config.gemini.model : null;
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
      throw new GeminiUnavailableError(`Gemini call failed: ${(error as Error).message}`.slice(0, 300));
    }
    if (!text) throw new GeminiUnavailableError('Gemini answered without text');
    try {
      return { model, answer: JSON.parse(text) as unknown };
    } catch {
      throw new GeminiUnavailableError('Gemini answered something that is not JSON');
    }
  }
}
