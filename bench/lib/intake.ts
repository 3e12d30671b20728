import type pg from 'pg';

import type { FakeCloud } from '../../test/fakes/cloud.js';
import { percentile } from './load.js';

const PORTAL_AUTH =
  'mx.google.com; dkim=pass header.i=@leadpoint.dk header.s=s1; spf=pass (google.com: domain of system@leadpoint.dk designates 1.2.3.4 as permitted sender) smtp.mailfrom=system@leadpoint.dk';
const FIRST = ['Mette', 'Jens', 'Søren', 'Anne', 'Lars', 'Hanne', 'Mikkel', 'Line', 'Ole', 'Birgit'];
const LAST = ['Holm', 'Hansen', 'Nielsen', 'Jensen', 'Pedersen', 'Andersen', 'Larsen', 'Sørensen'];
const STREETS = ['Amagerbrogade', 'Vesterbrogade', 'Nørrebrogade', 'Jagtvej', 'Strandvejen'];

export interface IntakeResult {
  mails: number;
  leads: number;
  replies: number;
  texts: number;
  /** Leads (with their reply and text) per second, first push to last text. */
  leadsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** From the first push to the first lead in the database (NaN if none came). */
  firstLeadMs: number;
  seconds: number;
  timedOut: boolean;
}

/** A Leadpoint mail as the portal writes it (the intake's fixture), with its own customer. */
function portalMail(i: number, phone: string): { subject: string; text: string; email: string } {
  const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  const email = `bench.kunde.${i}@gmail.com`;
  const spaced = phone.replace(/(\d\d)(?=\d)/g, '$1 ');
  const area = 60 + (i % 80);
  return {
    email,
    subject: `Nyt lead: Flytterengøring – 2300 København S`,
    text: [
      'Hej Rendetalje',
      '',
      'Du har modtaget en ny forespørgsel via Leadpoint.dk.',
      '',
      `Lead-ID: LP-2026-${String(100000 + i)}`,
      'Kategori: Rengøring › Flytterengøring',
      '',
      'KUNDENS OPLYSNINGER',
      `Navn: ${name}`,
      `E-mail: ${email}`,
      `Telefon: ${spaced}`,
      `Adresse: ${STREETS[i % STREETS.length]} ${1 + (i % 200)}, 2. tv.`,
      'Postnr. og by: 2300 København S',
      '',
      'OPGAVEN',
      'Boligtype: Lejlighed',
      `Boligareal: ${area} m²`,
      'Ønsket opstart: Hurtigst muligt',
      'Beskrivelse fra kunden:',
      'Vi flytter ud den 1. marts og skal aflevere lejligheden til udlejer dagen efter.',
      '',
      'Svar kunden hurtigst muligt – leads der besvares inden for en time, vinder oftest opgaven.',
      '',
      '--',
      'Leadpoint.dk · Kundeservice 70 20 45 45 · noreply@leadpoint.dk',
    ].join('\n'),
  };
}

/**
 * Delivers `count` portal mails to the fake Gmail, each followed by its signed Pub/Sub push (at most
 * `concurrency` pushes in flight, or paced at `rate` per second when > 0), then waits until every
 * mail has its lead, reply and SMS offer (or `timeoutMs` passes) and counts them — a lost or doubled
 * one shows as a count other than `count`.
 */
export async function runIntake(options: {
  cloud: FakeCloud;
  owner: pg.Client;
  tenantId: string;
  count: number;
  rate: number;
  concurrency: number;
  timeoutMs: number;
  /** The API instances the pushes go to, in turn (default: the app's own URL). */
  pushTo?: readonly string[];
  onProgress?: (line: string) => void;
}): Promise<IntakeResult> {
  const { cloud, owner, tenantId, count } = options;
  const pushedAt = new Map<string, number>();
  const phones = new Set<string>();
  const emails = new Set<string>();
  const leadsBefore = await countLeads(owner, tenantId);
  const sentBefore = cloud.gmail.sent().length;
  const started = Date.now();
  let next = 0;
  const pushFailures: number[] = [];

  const pushOne = async (i: number) => {
    const phone = `28${String(i).padStart(6, '0')}`;
    const e164 = `+45${phone}`;
    const mail = portalMail(i, phone);
    phones.add(e164);
    emails.add(mail.email);
    cloud.gmail.addMessage({
      from: 'Leadpoint.dk <system@leadpoint.dk>',
      to: cloud.gmail.emailAddress,
      subject: mail.subject,
      text: mail.text,
      authenticationResults: PORTAL_AUTH,
    });
    pushedAt.set(e164, Date.now());
    const targets = options.pushTo ?? [];
    const status = await cloud.push(undefined, targets.length > 0 ? targets[i % targets.length] : undefined);
    if (status >= 300) pushFailures.push(status);
  };
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (options.rate > 0) {
        const due = started + (i * 1000) / options.rate;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      await pushOne(i);
    }
  };
  // Watches for the first lead while the pushes go out (owner's own connection; 20 ms apart).
  let firstLeadAt = NaN;
  let pushing = true;
  const watchFirst = (async () => {
    while (pushing || Number.isNaN(firstLeadAt)) {
      if ((await countLeads(owner, tenantId)) > leadsBefore) {
        firstLeadAt = Date.now();
        return;
      }
      if (Date.now() - started > options.timeoutMs) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  pushing = false;
  const pushedIn = (Date.now() - started) / 1000;
  options.onProgress?.(
    `  pushed ${count} mails in ${pushedIn.toFixed(1)} s${pushFailures.length ? `, ${pushFailures.length} pushes refused` : ''}`,
  );

  const texts = () => cloud.twilio.messages.filter((message) => phones.has(message.to));
  const replies = () => cloud.gmail.sent().slice(sentBefore);
  const deadline = Date.now() + options.timeoutMs;
  let timedOut = false;
  let lastReport = Date.now();
  for (;;) {
    const done = texts().length >= count && replies().length >= count;
    if (done) break;
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      const leads = (await countLeads(owner, tenantId)) - leadsBefore;
      options.onProgress?.(`  … ${leads} leads, ${replies().length} replies, ${texts().length} texts`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const finished = Date.now();
  await watchFirst;
  // A little longer, so a doubled reply or text would still be counted.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const sms = texts();
  const latencies = sms
    .map((message) => message.dateCreated.getTime() - (pushedAt.get(message.to) ?? NaN))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  const seconds = (finished - started) / 1000;
  const leads = (await countLeads(owner, tenantId)) - leadsBefore;
  return {
    mails: count,
    leads,
    replies: replies().length,
    texts: sms.length,
    leadsPerSecond: Math.min(leads, sms.length) / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    firstLeadMs: firstLeadAt - started,
    seconds,
    timedOut,
  };
}

async function countLeads(owner: pg.Client, tenantId: string): Promise<number> {
  const result = await owner.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM leads WHERE tenant_id = $1 AND source_message_id IS NOT NULL',
    [tenantId],
  );
  return result.rows[0]!.n;
}
