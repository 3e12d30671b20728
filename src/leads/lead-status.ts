import { InvalidTransitionError } from '../core/http/domain-error.js';
import { LeadStatus } from '../generated/prisma/enums.js';

/**
 * The moves a user may make (docs/architecture.md, Data model): new → contacted → booked → completed →
 * invoiced; any open status → lost; lost → new. Everything else is refused with 409.
 */
export const USER_MOVES: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['contacted', 'lost'],
  contacted: ['booked', 'lost'],
  booked: ['completed', 'lost'],
  completed: ['invoiced', 'lost'],
  invoiced: [],
  lost: ['new'],
};

/** Throws the 409 of an illegal user move, naming where the lead may go instead. */
export function assertUserMove(from: LeadStatus, to: LeadStatus): void {
  if (!USER_MOVES[from].includes(to)) throw new InvalidTransitionError('Lead', from, to, USER_MOVES[from]);
}

/** What the system does to a lead when something happens to its bookings or invoices. */
export type LeadSystemEvent =
  'response_sent' | 'booking_confirmed' | 'bookings_ended' | 'booking_completed' | 'invoice_created';

/**
 * Where a system event moves a lead in `from`, or null when it does not apply (a no-op, never an
 * error: the booking or invoice change that caused it has already happened). `bookings_ended` assumes
 * the caller found no other live booking of the lead.
 */
export function systemMoveTarget(from: LeadStatus, event: LeadSystemEvent): LeadStatus | null {
  switch (event) {
    case 'response_sent':
      return from === 'new' ? 'contacted' : null;
    case 'booking_confirmed':
      return from === 'new' || from === 'contacted' ? 'booked' : null;
    case 'bookings_ended':
      return from === 'booked' ? 'contacted' : null;
    case 'booking_completed':
      // Work was done: even a lead marked lost is completed now; an invoiced one stays invoiced.
      return from === 'completed' || from === 'invoiced' ? null : 'completed';
    case 'invoice_created':
      return from === 'invoiced' ? null : 'invoiced';
  }
}

/** Danish labels of seed 000, used in activity titles ("Status opdateret til Kontaktet"). */
export const STATUS_LABELS: Readonly<Record<LeadStatus, string>> = {
  new: 'Ny',
  contacted: 'Kontaktet',
  booked: 'Booket',
  completed: 'Afsluttet',
  invoiced: 'Faktureret',
  lost: 'Tabt',
};

export const statusTitle = (status: LeadStatus): string => `Status opdateret til ${STATUS_LABELS[status]}`;

export const OPEN_STATUSES: readonly LeadStatus[] = [
  LeadStatus.new,
  LeadStatus.contacted,
  LeadStatus.booked,
  LeadStatus.completed,
];

/**
 * A lead whose conversation is still going: answered or about to be, not yet booked (won), lost or
 * done. A new lead of the same customer joins it instead of getting a second reply and offer; a
 * booked lead's customer asking again is a new job, and a lost lead's a new start.
 */
export const CONVERSATION_STATUSES: readonly LeadStatus[] = [LeadStatus.new, LeadStatus.contacted];
