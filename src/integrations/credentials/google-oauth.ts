import { createHash } from 'node:crypto';

// The OAuth2 client of the Google API packages (their google-auth-library), which they accept as `auth`.
import { auth as googleAuth } from '@googleapis/gmail';

import type { AppConfig } from '../../core/config/app-config.js';
import type { GoogleCredentials, ResolvedCredentials } from './credentials.providers.js';

/**
 * A tenant's Google OAuth client: the refresh token is exchanged for an access token once and reused
 * until it expires, so one client per set of credentials serves every Gmail and Calendar call.
 */
export function googleOAuthClient(credentials: GoogleCredentials, config: AppConfig) {
  const { oauthTokenUrl } = config.google;
  const auth = new googleAuth.OAuth2({
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
    ...(oauthTokenUrl ? { endpoints: { oauth2TokenUrl: oauthTokenUrl } } : {}),
  });
  auth.setCredentials({ refresh_token: credentials.refreshToken });
  return auth;
}

/** A cache key for clients built from these credentials: changed credentials get a new one; no secret in the key. */
export function googleCredentialsKey(resolved: ResolvedCredentials<'google'>): string {
  const { clientId, clientSecret, refreshToken } = resolved.credentials;
  return createHash('sha256')
    .update(JSON.stringify([resolved.source, clientId, clientSecret, refreshToken]))
    .digest('hex');
}

/** A small bounded cache of per-credential clients (oldest out first). */
export class ClientCache<T> {
  private readonly clients = new Map<string, T>();

  constructor(private readonly max: number) {}

  get(key: string, build: () => T): T {
    let client = this.clients.get(key);
    if (!client) {
      client = build();
      if (this.clients.size >= this.max) this.clients.delete(this.clients.keys().next().value as string);
      this.clients.set(key, client);
    }
    return client;
  }

  forget(key: string): void {
    this.clients.delete(key);
  }
}
