import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bootTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Session, signIn } from '../support/fixtures.js';
import { fieldsOf } from '../support/http.js';

/**
 * Hostile lead text through the real API. Pasted text is read on the event loop, so a text built to
 * make the readers backtrack froze every other request while it was read: a 60 000-digit phone number
 * took 7.8 s and kept GET /api/health waiting 6.7 s. The app runs in this process, so the event loop
 * measured here is the app's.
 */
describe('hostile input through the API', () => {
  let test: TestApp;
  let staff: Session;

  beforeAll(async () => {
    test = await bootTestApp();
    const tenant = await createTenant('Fjendtlig Tekst');
    staff = await signIn(test.app, tenant.id, 'staff');
  });
  afterAll(async () => {
    await test?.close();
  });

  const extract = (text: string) =>
    test.app.inject({
      method: 'POST',
      url: '/api/ai/extract',
      headers: staff.auth,
      payload: { text },
    });

  /** Runs `work` while GET /api/health is asked every 20 ms; the slowest health answer and the loop's delay. */
  async function whileWatching<T>(work: () => Promise<T>) {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let done = false;
    const healthTimes: number[] = [];
    const healthStatuses: number[] = [];
    const poll = (async () => {
      while (!done) {
        const started = performance.now();
        const health = await test.app.inject({ method: 'GET', url: '/api/health' });
        healthTimes.push(performance.now() - started);
        healthStatuses.push(health.statusCode);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await work();
    done = true;
    await poll;
    delay.disable();
    return {
      result,
      maxDelayMs: delay.max / 1e6,
      slowestHealthMs: Math.max(...healthTimes),
      healthStatuses,
    };
  }

  it('answers the 60 000-digit phone and 99 kB of "a.a.a…@" quickly while /api/health keeps answering', async () => {
    // A normal mail first: the first extraction of a process loads what every later one shares.
    expect((await extract('Navn: Mette Holm\nTelefon: 28 14 55 90')).statusCode).toBe(200);
    const watched = await whileWatching(() =>
      Promise.all([extract(`Telefon: ${'2'.repeat(60_000)}`), extract(`${'a.'.repeat(49_500)}@`)]),
    );
    for (const response of watched.result) {
      expect(response.statusCode).toBe(200);
      expect(response.json().extraction.customerPhone).toBeNull();
      expect(response.json().extraction.customerEmail).toBeNull();
    }
    if (process.env.HOSTILE_INPUT_REPORT === '1')
      console.log(
        `event-loop delay max ${watched.maxDelayMs.toFixed(0)} ms, slowest /api/health ${watched.slowestHealthMs.toFixed(0)} ms`,
      );
    expect(watched.healthStatuses.length).toBeGreaterThan(0);
    expect(new Set(watched.healthStatuses)).toEqual(new Set([200]));
    expect(watched.maxDelayMs).toBeLessThan(250);
    expect(watched.slowestHealthMs).toBeLessThan(250);
  });

  it('refuses text over 100 000 characters with a 400 naming text', async () => {
    const response = await extract(`Navn: Mette\n${'x'.repeat(100_000)}`);
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(new Set(['text']));
    expect(response.json().details[0].message).toContain('at most 100000 characters');

    const intake = await test.app.inject({
      method: 'POST',
      url: '/api/leads/intake',
      headers: staff.auth,
      payload: { text: 'x'.repeat(100_001) },
    });
    expect(intake.statusCode).toBe(400);
    expect(fieldsOf(intake.json())).toEqual(new Set(['text']));

    // Exactly at the limit is read.
    expect((await extract(`Navn: Mette Holm\n${'x'.repeat(100_000 - 17)}`)).statusCode).toBe(200);
  });

  it.each([
    ['just over 254 characters', 250],
    ['3 000 characters long', 3_000],
  ])(
    'makes a lead of a pasted mail whose e-mail address is %s, without the address',
    async (_case, length) => {
      const longAddress = `mette@${'a'.repeat(length)}.dk`;
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/leads/intake',
        headers: staff.auth,
        payload: {
          text: `Navn: Mette Holm\nE-mail: ${longAddress}\nTelefon: 28 14 55 90\nAdresse: Vestergade 12, 8000 Aarhus C`,
        },
      });
      expect(response.statusCode).toBe(201);
      const { lead, extraction } = response.json();
      expect(lead.customerName).toBe('Mette Holm');
      expect(lead.customerPhone).toBe('+4528145590');
      expect(lead.customerEmail).toBeNull();
      expect(extraction.customerEmail).toBeNull();
    },
  );
});
