import { timingSafeEqual } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

import { OAuth2Client } from 'google-auth-library';

import { AppConfig } from '../core/config/app-config.js';

/**
 * Decides whether a push really comes from our Pub/Sub subscription (docs/architecture.md, step 1):
 * either the Google-signed OIDC token of the push's service account — signature (certificates from
 * GOOGLE_CERTS_URL), audience and issuer checked by google-auth-library, `email_verified` and `email`
 * checked here because the library does not — or, when configured, the `?token=` shared secret.
 * Fails closed: with neither configured, nothing is accepted.
 */
@Injectable()
export class PubSubVerifier {
  private readonly logger = new Logger(PubSubVerifier.name);
  /** One client, so the signing certificates are fetched once and cached as their headers allow. */
  private readonly oidc: OAuth2Client;

  constructor(private readonly config: AppConfig) {
    const { certsUrl } = config.google;
    this.oidc = new OAuth2Client(
      certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: certsUrl } } : {},
    );
  }

  async verify(authorization: string | undefined, token: string | undefined): Promise<boolean> {
    const secret = this.config.google.pubsubToken;
    if (secret && token !== undefined) return sameSecret(token, secret);
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const { pubsubAudience, pubsubServiceAccount } = this.config.google;
    if (!bearer || !pubsubAudience || !pubsubServiceAccount) return false;
    try {
      const ticket = await this.oidc.verifyIdToken({ idToken: bearer, audience: pubsubAudience });
      const payload = ticket.getPayload();
      return payload?.email_verified === true && payload.email === pubsubServiceAccount;
    } catch (error) {
      this.logger.warn({ message: 'Pub/Sub push token rejected', reason: rejection(error, bearer) });
      return false;
    }
  }
}

/**
 * Why google-auth-library refused a token, without the token: its messages quote what they were given
 * ("Wrong number of segments in token: <token>", "Invalid token signature: <token>", "Can't parse token
 * envelope: <segment>", "Token used too late, ...: <payload>"), so only the part before the first colon
 * is kept, and any piece of the token that is still in it is cut out as well.
 */
function rejection(error: unknown, token: string): string {
  let reason = (error instanceof Error ? error.message : String(error)).split(':')[0]!.slice(0, 200);
  for (const piece of [token, ...token.split('.')].filter((part) => part.length >= 8))
    reason = reason.split(piece).join('[redacted]');
  return reason;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
