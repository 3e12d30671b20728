import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BillyFake } from './billy.fake.js';
import { CalendarFake } from './calendar.fake.js';
import { GeminiFake } from './gemini.fake.js';
import { GmailFake } from './gmail.fake.js';
import { GoogleOAuthFake } from './google-oauth.fake.js';
import { PubSubPusher } from './pubsub-pusher.js';
import { TwilioFake } from './twilio.fake.js';

/**
 * Every outside service at once, for the demo, the benchmarks and a person trying the app by hand:
 * Google OAuth, Gmail and Calendar (behind one root URL, as googleapis expects: GOOGLE_API_BASE_URL
 * serves both), the Pub/Sub pusher with its signing certificates, Gemini, Twilio and Billy.
 * `environment()` gives the variables that point the app (and its seeded tenant) at them.
 */
export interface FakeCloudOptions {
  gmailAddress?: string;
  smsNumber?: string;
  /** Public URL of the app: what Twilio signs and where the pusher and Twilio deliver. */
  appUrl: string;
  /** First Gmail historyId; pass something growing (e.g. seconds since epoch) so a stored cursor from a
   * previous run is never ahead of the fresh fake. */
  startHistoryId?: number;
  /** First Billy invoice number; growing across runs, so a fresh fake never repeats a stored number. */
  firstInvoiceNo?: number;
}

export const FAKE_CLOUD = {
  googleClientId: 'renos-demo-client',
  googleClientSecret: 'renos-demo-secret',
  googleRefreshToken: '1//renos-demo-refresh',
  pubsubAudience: 'https://renos.demo/api/webhooks/gmail',
  pubsubServiceAccount: 'gmail-push@renos-demo.iam.gserviceaccount.com',
  pubsubTopic: 'projects/renos-demo/topics/gmail',
  twilioAccountSid: 'AC00000000000000000000000000demo',
  twilioAuthToken: 'renos-demo-twilio-token',
  geminiApiKey: 'renos-demo-gemini-key',
} as const;

export class FakeCloud {
  readonly oauth = new GoogleOAuthFake();
  readonly gmail: GmailFake;
  readonly calendar: CalendarFake;
  readonly pusher = new PubSubPusher();
  readonly gemini = new GeminiFake();
  readonly twilio = new TwilioFake({ [FAKE_CLOUD.twilioAccountSid]: FAKE_CLOUD.twilioAuthToken });
  readonly billy: BillyFake;
  private router: Server | undefined;
  private routerUrl: string | undefined;

  constructor(readonly options: FakeCloudOptions) {
    const address = options.gmailAddress ?? 'info@rendetalje.dk';
    this.gmail = new GmailFake({ emailAddress: address, startHistoryId: options.startHistoryId });
    this.calendar = new CalendarFake({ owner: address });
    this.billy = new BillyFake({ firstInvoiceNo: options.firstInvoiceNo });
  }

  async start(): Promise<void> {
    await Promise.all([
      this.oauth.start(),
      this.gmail.start(),
      this.calendar.start(),
      this.pusher.start(),
      this.gemini.start(),
      this.twilio.start(),
      this.billy.start(),
    ]);
    this.routerUrl = await this.startRouter();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.router ? this.router.close(() => resolve()) : resolve()));
    await Promise.all([
      this.oauth.close(),
      this.gmail.close(),
      this.calendar.close(),
      this.pusher.close(),
      this.gemini.close(),
      this.twilio.close(),
      this.billy.close(),
    ]);
  }

  /** googleapis' rootUrl for Gmail and Calendar together. */
  get googleRootUrl(): string {
    if (!this.routerUrl) throw new Error('fake cloud is not started');
    return `${this.routerUrl}/`;
  }

  /** The app's environment: every base URL and the seeded tenant's credentials. */
  environment(options: { gemini?: boolean } = {}): Record<string, string> {
    return {
      PUBLIC_BASE_URL: this.options.appUrl,
      GMAIL_ADDRESS: this.gmail.emailAddress,
      TWILIO_PHONE_NUMBER: this.options.smsNumber ?? '+4570000000',
      GOOGLE_CLIENT_ID: FAKE_CLOUD.googleClientId,
      GOOGLE_CLIENT_SECRET: FAKE_CLOUD.googleClientSecret,
      GOOGLE_REFRESH_TOKEN: FAKE_CLOUD.googleRefreshToken,
      GOOGLE_API_BASE_URL: this.googleRootUrl,
      GOOGLE_OAUTH_TOKEN_URL: this.oauth.tokenUrl,
      GOOGLE_CERTS_URL: this.pusher.certsUrl,
      GOOGLE_PUBSUB_AUDIENCE: FAKE_CLOUD.pubsubAudience,
      GOOGLE_PUBSUB_SERVICE_ACCOUNT: FAKE_CLOUD.pubsubServiceAccount,
      PUBSUB_TOPIC: FAKE_CLOUD.pubsubTopic,
      TWILIO_ACCOUNT_SID: FAKE_CLOUD.twilioAccountSid,
      TWILIO_AUTH_TOKEN: FAKE_CLOUD.twilioAuthToken,
      TWILIO_API_BASE_URL: this.twilio.url,
      BILLY_API_KEY: this.billy.accessToken,
      BILLY_ORGANIZATION_ID: this.billy.organizationId,
      BILLY_API_BASE_URL: this.billy.apiBaseUrl,
      GEMINI_API_BASE_URL: this.gemini.url,
      ...(options.gemini ? { GEMINI_API_KEY: FAKE_CLOUD.geminiApiKey } : {}),
    };
  }

  /**
   * Sends the signed Pub/Sub push Gmail would send for the mailbox's current history, to the app or to
   * `appUrl` (one of several instances behind a balancer).
   */
  push(messageId?: string, appUrl: string = this.options.appUrl): Promise<number> {
    return this.pusher.push(
      `${appUrl}/api/webhooks/gmail`,
      { emailAddress: this.gmail.emailAddress, historyId: this.gmail.historyId() },
      {
        audience: FAKE_CLOUD.pubsubAudience,
        serviceAccountEmail: FAKE_CLOUD.pubsubServiceAccount,
        ...(messageId ? { messageId } : {}),
      },
    );
  }

  /** One URL for googleapis: /gmail and /upload/gmail go to Gmail, /calendar to Calendar. */
  private startRouter(): Promise<string> {
    const targetFor = (path: string): string =>
      path.startsWith('/calendar/') ? this.calendar.url : this.gmail.url;
    this.router = createServer((req, res) => {
      const target = new URL(req.url ?? '/', targetFor(req.url ?? '/'));
      const forwarded = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(forwarded);
    });
    return new Promise((resolve) => {
      this.router!.listen(0, '127.0.0.1', () => {
        resolve(`http://127.0.0.1:${(this.router!.address() as AddressInfo).port}`);
      });
    });
  }
}
