import { Injectable } from '@nestjs/common';

import { Clock } from '../core/time/clock.js';

/** Which tenant one of our numbers belongs to, and the auth token its webhooks are signed with. */
export interface TwilioRoute {
  tenantId: string;
  authToken: string;
}

/**
 * How long a route found in the database is used without asking again. It bounds how long a change
 * that does not show in the signature takes to reach the webhooks: a tenant deactivated or its number
 * removed is still recorded for at most this long (its jobs then run as for any other inbound text).
 * A rotated token or a number moved to another tenant shows at once: a signature the remembered token
 * does not verify sends the webhook to the database before it is refused.
 */
export const TWILIO_ROUTE_TTL_MS = 30_000;

/**
 * The Twilio webhook's routing, remembered in the process (bench/README.md, "Twilio webhook"):
 * without it every webhook made seven round trips to PostgreSQL (the system routing read, the
 * tenant's credentials, the environment-tenant check) before it recorded anything. Only routes whose
 * token verified a signature are remembered, so a forged request cannot fill it.
 */
@Injectable()
export class TwilioRoutes {
  private readonly routes = new Map<string, TwilioRoute & { at: number }>();

  constructor(private readonly clock: Clock) {}

  get(ourNumber: string): TwilioRoute | undefined {
    const route = this.routes.get(ourNumber);
    if (!route) return undefined;
    const age = this.clock.now().getTime() - route.at;
    // A clock moved back (a test) counts as expired too: the age must be known to be small.
    if (age < 0 || age >= TWILIO_ROUTE_TTL_MS) {
      this.routes.delete(ourNumber);
      return undefined;
    }
    return { tenantId: route.tenantId, authToken: route.authToken };
  }

  remember(ourNumber: string, route: TwilioRoute): void {
    this.routes.set(ourNumber, { ...route, at: this.clock.now().getTime() });
  }

  forget(ourNumber: string): void {
    this.routes.delete(ourNumber);
  }
}
