import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import twilio from 'twilio';

import { AppConfig } from '../../core/config/app-config.js';
import { IntegrationError } from '../integration-error.js';

/**
 * The SMS port (docs/architecture.md, Layers: outside services behind ports) and its one adapter over the
 * twilio SDK. Vendor errors leave here as IntegrationError (provider Twilio) of the kind that says what
 * the caller should do: retry, give up, record an opt-out (`opted_out`), or flag the integration for an
 * admin (`needs_attention`); Twilio's numeric code is its `vendorCode`.
 */

export interface SmsAccount {
  accountSid: string;
  authToken: string;
}

export interface SendSmsInput {
  /** E.164. */
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
}

export interface SentSms {
  sid: string;
  /** Twilio's status at acceptance (queued, accepted, sending, sent). */
  status: string;
  /** Twilio's own count, when it gives one. */
  segments: number | null;
}

/** What identifies a text Twilio may already have: same route and body, created since `since`. */
export interface SentSmsQuery {
  to: string;
  from: string;
  body: string;
  since: Date;
}

/** Injection token of the SMS port. */
export const SMS_SENDER = Symbol('SmsSender');

export interface SmsSender {
  send(account: SmsAccount, input: SendSmsInput): Promise<SentSms>;
  /**
   * Texts Twilio accepted for this route and body since `since`, newest first. Twilio has no
   * idempotency key: before trying a send again, the caller asks whether the earlier try went through
   * (and must skip texts it already knows as other messages of its own).
   */
  findSent(account: SmsAccount, query: SentSmsQuery): Promise<SentSms[]>;
  /** Twilio's status of the account (`active`, `suspended`, `closed`): a harmless call for a connection test. */
  accountStatus(account: SmsAccount): Promise<string>;
  /** Whether a webhook's X-Twilio-Signature was made with `authToken` over `url` and `params`. */
  validSignature(authToken: string, signature: string, url: string, params: Record<string, string>): boolean;
}

/** Twilio error codes for a recipient that opted out (21610) or that can never receive from us. */
const OPTED_OUT_CODES = new Set([21610]);
const AUTH_CODES = new Set([20003, 20005, 20008, 30002]);
const REQUEST_TIMEOUT_MS = 15_000;

interface TwilioErrorShape {
  status?: number;
  code?: number;
  message?: string;
}

export function classifyTwilioError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const shape = (error ?? {}) as TwilioErrorShape;
  const httpStatus = typeof shape.status === 'number' ? shape.status : null;
  const vendorCode = typeof shape.code === 'number' ? shape.code : null;
  const message = `Twilio${vendorCode !== null ? ` ${vendorCode}` : ''}: ${shape.message ?? String(error)}`;
  const failure = (kind: IntegrationError['kind']) =>
    new IntegrationError({ provider: 'Twilio', kind, message, httpStatus, vendorCode });
  if (vendorCode !== null && OPTED_OUT_CODES.has(vendorCode)) return failure('opted_out');
  if ((vendorCode !== null && AUTH_CODES.has(vendorCode)) || httpStatus === 401 || httpStatus === 403)
    return failure('needs_attention');
  // No status: the request never got an answer (timeout, connection refused); 429 and 5xx are Twilio's.
  if (httpStatus === null || httpStatus === 429 || httpStatus >= 500) return failure('retry');
  return failure('give_up');
}

@Injectable()
export class TwilioSmsSender implements SmsSender {
  /** One SDK client per account and token (a rotated token gets a new one). */
  private readonly clients = new Map<string, twilio.Twilio>();

  constructor(private readonly config: AppConfig) {}

  async send(account: SmsAccount, input: SendSmsInput): Promise<SentSms> {
    try {
      const message = await this.client(account).messages.create({
        to: input.to,
        from: input.from,
        body: input.body,
        ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
      });
      const segments = Number.parseInt(message.numSegments, 10);
      return {
        sid: message.sid,
        status: message.status,
        segments: Number.isFinite(segments) ? segments : null,
      };
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  async findSent(account: SmsAccount, query: SentSmsQuery): Promise<SentSms[]> {
    try {
      const recent = await this.client(account).messages.list({ to: query.to, from: query.from, limit: 50 });
      // A minute of slack for clocks; the body tells our text from others to the same number.
      const earliest = query.since.getTime() - 60_000;
      return recent
        .filter((m) => m.body === query.body && m.dateCreated.getTime() >= earliest)
        .map((m) => {
          const segments = Number.parseInt(m.numSegments, 10);
          return { sid: m.sid, status: m.status, segments: Number.isFinite(segments) ? segments : null };
        });
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  async accountStatus(account: SmsAccount): Promise<string> {
    try {
      const fetched = await this.client(account).api.v2010.accounts(account.accountSid).fetch();
      return fetched.status;
    } catch (error) {
      throw classifyTwilioError(error);
    }
  }

  validSignature(authToken: string, signature: string, url: string, params: Record<string, string>): boolean {
    return twilio.validateRequest(authToken, signature, url, params);
  }

  private client(account: SmsAccount): twilio.Twilio {
    const key = `${account.accountSid}:${createHash('sha256').update(account.authToken).digest('hex')}`;
    let client = this.clients.get(key);
    if (!client) {
      // Retries are BullMQ's (with backoff, visible on the job), not the SDK's.
      client = twilio(account.accountSid, account.authToken, {
        timeout: REQUEST_TIMEOUT_MS,
        autoRetry: false,
      });
      // TWILIO_API_BASE_URL: the Api domain's base URL, which the Messages resource is built on.
      client.api.baseUrl = this.config.twilio.apiBaseUrl;
      this.clients.set(key, client);
    }
    return client;
  }
}
