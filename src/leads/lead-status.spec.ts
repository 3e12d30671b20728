import { describe, expect, it } from 'vitest';

import { DomainError } from '../core/http/domain-error.js';
import { LeadStatus } from '../generated/prisma/enums.js';
import { assertUserMove, OPEN_STATUSES, statusTitle, systemMoveTarget, USER_MOVES } from './lead-status.js';

const ALL = Object.values(LeadStatus);

const refusal = (from: LeadStatus, to: LeadStatus): DomainError | undefined => {
  try {
    assertUserMove(from, to);
    return undefined;
  } catch (error) {
    return error as DomainError;
  }
};

describe('lead status: user moves', () => {
  it.each([
    ['new', 'contacted'],
    ['contacted', 'booked'],
    ['booked', 'completed'],
    ['completed', 'invoiced'],
    ['new', 'lost'],
    ['contacted', 'lost'],
    ['booked', 'lost'],
    ['completed', 'lost'],
    ['lost', 'new'],
  ] as const)('allows %s → %s', (from, to) => {
    expect(refusal(from, to)).toBeUndefined();
  });

  it('refuses every other move with invalid_transition naming from, to and the allowed moves', () => {
    const allowed = new Set(
      Object.entries(USER_MOVES).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`)),
    );
    expect(allowed.size).toBe(9);
    for (const from of ALL) {
      for (const to of ALL) {
        if (allowed.has(`${from}>${to}`)) continue;
        const error = refusal(from, to);
        expect(error?.code, `${from} → ${to}`).toBe('invalid_transition');
        expect(error?.details).toEqual({ from, to, allowed: USER_MOVES[from] });
      }
    }
  });

  it('lets every open status, and only those, be lost', () => {
    for (const from of ALL) expect(USER_MOVES[from].includes('lost')).toBe(OPEN_STATUSES.includes(from));
  });

  it('leaves invoiced as the end of the road', () => {
    expect(USER_MOVES.invoiced).toEqual([]);
  });
});

describe('lead status: system moves', () => {
  it('books a new or contacted lead when a booking is confirmed, and nothing else', () => {
    expect(systemMoveTarget('new', 'booking_confirmed')).toBe('booked');
    expect(systemMoveTarget('contacted', 'booking_confirmed')).toBe('booked');
    for (const from of ['booked', 'completed', 'invoiced', 'lost'] as const) {
      expect(systemMoveTarget(from, 'booking_confirmed')).toBeNull();
    }
  });

  it('returns a booked lead to contacted when its last live booking ends', () => {
    expect(systemMoveTarget('booked', 'bookings_ended')).toBe('contacted');
    for (const from of ['new', 'contacted', 'completed', 'invoiced', 'lost'] as const) {
      expect(systemMoveTarget(from, 'bookings_ended')).toBeNull();
    }
  });

  it('completes a lead when its booking is completed, never undoing an invoice', () => {
    for (const from of ['new', 'contacted', 'booked', 'lost'] as const) {
      expect(systemMoveTarget(from, 'booking_completed')).toBe('completed');
    }
    expect(systemMoveTarget('completed', 'booking_completed')).toBeNull();
    expect(systemMoveTarget('invoiced', 'booking_completed')).toBeNull();
  });

  it('invoices a lead when an invoice is created', () => {
    for (const from of ['new', 'contacted', 'booked', 'completed', 'lost'] as const) {
      expect(systemMoveTarget(from, 'invoice_created')).toBe('invoiced');
    }
    expect(systemMoveTarget('invoiced', 'invoice_created')).toBeNull();
  });
});

describe('lead status: titles', () => {
  it('uses the Danish labels of seed 000', () => {
    expect(statusTitle('contacted')).toBe('Status opdateret til Kontaktet');
    expect(ALL.map(statusTitle)).toEqual([
      'Status opdateret til Ny',
      'Status opdateret til Kontaktet',
      'Status opdateret til Booket',
      'Status opdateret til Afsluttet',
      'Status opdateret til Faktureret',
      'Status opdateret til Tabt',
    ]);
  });
});
