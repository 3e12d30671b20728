import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { FakeHttpServer, type FakeRequest, googleStatusName, type RunningFake, sendJson } from './http.js';

/**
 * The Gemini API (generativelanguage.googleapis.com) as @google/genai calls it with
 * `new GoogleGenAI({ apiKey, httpOptions: { baseUrl } })`:
 *   POST {baseUrl}/v1beta/models/{model}:generateContent   header `x-goog-api-key` (or `?key=`)
 *   GET  {baseUrl}/v1beta/models/{model}                   the model's metadata (same key check)
 * Request `{ contents: [{ role, parts: [{ text }] }], systemInstruction?, generationConfig: {
 * responseMimeType, responseSchema | responseJsonSchema, temperature, … } }`. Answer `{ candidates: [{
 * content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata,
 * modelVersion, responseId }`; errors `{ error: { code, message, status } }`.
 */

export interface GeminiRequest {
  model: string;
  /** `generateContent` (the only method the fake answers). */
  method: string;
  apiKey?: string;
  body: GenerateContentBody;
  /** All text parts of all `contents`, joined with newlines. */
  contentsText: string;
  systemInstructionText?: string;
  generationConfig?: Record<string, unknown>;
  responseMimeType?: string;
  responseSchema?: unknown;
  at: Date;
}

export interface GenerateContentBody {
  contents?: { role?: string; parts?: { text?: string }[] }[];
  systemInstruction?: { role?: string; parts?: { text?: string }[] };
  generationConfig?: Record<string, unknown>;
  [field: string]: unknown;
}

const REPLY = Symbol('gemini-fake-reply');

/** Helper replies, distinguishable from a plain JSON object to serialize. */
export type TaggedReply =
  { [REPLY]: 'text'; text: string; finishReason: string } | { [REPLY]: 'raw'; status: number; body: unknown };

/**
 * What a responder may return:
 * - any plain object/array → its JSON becomes the candidate's text (JSON mode);
 * - `{ status, body }` (exactly these keys) → that HTTP answer, verbatim;
 * - `'timeout'` → the request is held open until the client gives up (or the fake closes);
 * - `geminiText(text, finishReason?)` → a candidate with that exact text (e.g. non-JSON nonsense);
 * - `geminiRaw(status, body)` / `geminiError(status, message?)` → a full HTTP answer.
 */
export type GeminiReply = object | 'timeout' | { status: number; body: unknown } | TaggedReply;

export type GeminiResponder = (request: GeminiRequest) => GeminiReply | Promise<GeminiReply>;

export function geminiText(text: string, finishReason = 'STOP'): TaggedReply {
  return { [REPLY]: 'text', text, finishReason };
}

export function geminiRaw(status: number, body: unknown): TaggedReply {
  return { [REPLY]: 'raw', status, body };
}

export function geminiError(status: number, message?: string): TaggedReply {
  const defaults: Record<number, string> = {
    400: 'Request contains an invalid argument.',
    403: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    429: 'Resource has been exhausted (e.g. check quota).',
    500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    503: 'The model is overloaded. Please try again later.',
  };
  return geminiRaw(status, {
    error: {
      code: status,
      message: message ?? defaults[status] ?? 'Error',
      status: googleStatusName(status),
    },
  });
}

export interface GeminiFakeOptions {
  /** When set, other keys answer 400 API_KEY_INVALID like the real API. */
  apiKey?: string;
  /** When set, other models answer 404 NOT_FOUND. */
  models?: string[];
  /** The initial responder (same as calling `respondWith`); default answers `{}` as JSON text. */
  respond?: GeminiResponder;
}

export class GeminiFake {
  private readonly http = new FakeHttpServer('gemini', (req, res) => this.handle(req, res));
  private responder: GeminiResponder = () => ({});
  private readonly requestLog: GeminiRequest[] = [];
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly options: GeminiFakeOptions = {}) {
    if (options.respond) this.responder = options.respond;
  }

  start(): Promise<RunningFake> {
    return this.http.start();
  }

  close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    return this.http.close();
  }

  /** The @google/genai `httpOptions.baseUrl` (GEMINI_API_BASE_URL). */
  get url(): string {
    return this.http.url;
  }

  /** Sets how every following generateContent is answered (default: `{}` as JSON text). */
  respondWith(responder: GeminiResponder): void {
    this.responder = responder;
  }

  /** Answers the next calls with these replies in order, then falls back to the responder. */
  respondOnce(...replies: GeminiReply[]): void {
    const previous = this.responder;
    const queue = [...replies];
    this.responder = (request) => {
      const next = queue.shift();
      if (queue.length === 0) this.responder = previous;
      return next === undefined ? previous(request) : next;
    };
  }

  requests(): GeminiRequest[] {
    return [...this.requestLog];
  }

  lastRequest(): GeminiRequest | undefined {
    return this.requestLog[this.requestLog.length - 1];
  }

  reset(): void {
    this.requestLog.length = 0;
    this.responder = this.options.respond ?? (() => ({}));
  }

  /** models.get: the model's metadata, with the same API-key check as generateContent. */
  private getModel(model: string, req: FakeRequest, res: ServerResponse): void {
    const apiKey = (req.headers['x-goog-api-key'] as string | undefined) ?? req.query.get('key') ?? undefined;
    if (this.options.apiKey !== undefined && apiKey !== this.options.apiKey) {
      return sendJson(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
        },
      });
    }
    if (this.options.models && !this.options.models.includes(model)) {
      return sendJson(res, 404, {
        error: { code: 404, message: `models/${model} is not found`, status: 'NOT_FOUND' },
      });
    }
    sendJson(res, 200, {
      name: `models/${model}`,
      displayName: model,
      inputTokenLimit: 1048576,
      supportedGenerationMethods: ['generateContent', 'countTokens'],
    });
  }

  private async handle(req: FakeRequest, res: ServerResponse): Promise<void> {
    const modelPath = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+)$/.exec(req.path);
    if (req.method === 'GET' && modelPath) return this.getModel(modelPath[2]!, req, res);
    const match = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/.exec(req.path);
    if (req.method !== 'POST' || !match) {
      return sendJson(res, 404, {
        error: { code: 404, message: `Method not found: ${req.method} ${req.path}`, status: 'NOT_FOUND' },
      });
    }
    const [, apiVersion, model, method] = match;
    let body: GenerateContentBody;
    try {
      body = (req.json() ?? {}) as GenerateContentBody;
    } catch {
      return sendJson(res, 400, {
        error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' },
      });
    }
    const apiKey = (req.headers['x-goog-api-key'] as string | undefined) ?? req.query.get('key') ?? undefined;
    const textOf = (parts: { text?: string }[] | undefined): string =>
      (parts ?? []).map((p) => p.text ?? '').join('');
    const generationConfig = body.generationConfig;
    const request: GeminiRequest = {
      model,
      method,
      apiKey,
      body,
      contentsText: (body.contents ?? []).map((c) => textOf(c.parts)).join('\n'),
      systemInstructionText: body.systemInstruction ? textOf(body.systemInstruction.parts) : undefined,
      generationConfig,
      responseMimeType: generationConfig?.responseMimeType as string | undefined,
      responseSchema: generationConfig?.responseSchema ?? generationConfig?.responseJsonSchema,
      at: new Date(),
    };
    this.requestLog.push(request);

    if (this.options.apiKey !== undefined && apiKey !== this.options.apiKey) {
      return sendJson(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      });
    }
    if (method !== 'generateContent' || (this.options.models && !this.options.models.includes(model))) {
      return sendJson(res, 404, {
        error: {
          code: 404,
          message: `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
          status: 'NOT_FOUND',
        },
      });
    }

    const reply = await this.responder(request);
    if (reply === 'timeout') {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (isTagged(reply)) {
      if (reply[REPLY] === 'raw') return sendJson(res, reply.status, reply.body);
      return sendJson(res, 200, this.candidate(model, request, reply.text, reply.finishReason));
    }
    if (isStatusBody(reply)) return sendJson(res, reply.status, reply.body);
    sendJson(res, 200, this.candidate(model, request, JSON.stringify(reply), 'STOP'));
  }

  private candidate(model: string, request: GeminiRequest, text: string, finishReason: string): unknown {
    const promptTokenCount = Math.max(1, Math.ceil(request.contentsText.length / 4));
    const candidatesTokenCount = Math.max(1, Math.ceil(text.length / 4));
    return {
      candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason, index: 0 }],
      usageMetadata: {
        promptTokenCount,
        candidatesTokenCount,
        totalTokenCount: promptTokenCount + candidatesTokenCount,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
      },
      modelVersion: model,
      responseId: randomBytes(12).toString('base64url'),
    };
  }
}

function isTagged(reply: GeminiReply): reply is TaggedReply {
  return typeof reply === 'object' && reply !== null && REPLY in reply;
}

function isStatusBody(reply: GeminiReply): reply is { status: number; body: unknown } {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return false;
  const keys = Object.keys(reply);
  return (
    keys.length === 2 &&
    keys.includes('status') &&
    keys.includes('body') &&
    typeof (reply as { status: unknown }).status === 'number'
  );
}
