import 'reflect-metadata';

import { describe, expect, it } from 'vitest';

import { DomainError } from '../../core/http/domain-error.js';
import { createValidationPipe } from '../../core/http/validation.js';
import { CreateLeadDto } from './create-lead.dto.js';

const valid = {
  customerName: 'Mette Jensen',
  customerPhone: '22 33 44 55',
  serviceType: 'Flytterengøring',
  address: 'Vestergade 12',
  postalCode: '8000',
  city: 'Aarhus C',
  estimatedHours: 2.5,
};

const validate = (body: object) =>
  createValidationPipe().transform(body, { type: 'body', metatype: CreateLeadDto }) as Promise<CreateLeadDto>;

const fieldsRefused = async (body: object): Promise<string[]> => {
  try {
    await validate(body);
    return [];
  } catch (error) {
    return [
      ...new Set(((error as DomainError).details as Array<{ field: string }>).map((detail) => detail.field)),
    ];
  }
};

describe('CreateLeadDto', () => {
  it('accepts the required fields and defaults source and priority', async () => {
    const dto = await validate(valid);
    expect(dto).toMatchObject({ source: 'manual', priority: 'medium', estimatedHours: 2.5 });
  });

  it('accepts an e-mail instead of a phone', async () => {
    const { customerPhone: _phone, ...rest } = valid;
    expect(await fieldsRefused({ ...rest, customerEmail: 'mette@example.dk' })).toEqual([]);
  });

  it('names both contact fields when neither is given', async () => {
    const { customerPhone: _phone, ...rest } = valid;
    expect((await fieldsRefused(rest)).sort()).toEqual(['customerEmail', 'customerPhone']);
    expect((await fieldsRefused({ ...rest, customerPhone: null, customerEmail: null })).sort()).toEqual([
      'customerEmail',
      'customerPhone',
    ]);
  });

  it.each([
    ['customerName', undefined],
    ['serviceType', ''],
    ['address', undefined],
    ['city', '  '],
    ['postalCode', '80000'],
    ['postalCode', 'DK-8000'],
    ['estimatedHours', undefined],
    ['estimatedHours', 0],
    ['estimatedHours', 24.5],
    ['estimatedHours', 2.25],
    ['estimatedHours', '2.5'],
    ['customerPhone', '12'],
    ['customerEmail', 'mette@'],
    ['source', 'MANUAL'],
    ['priority', 'urgent'],
    ['assignedUserId', 'x'],
    ['scheduledAt', '2020-01-01T10:00:00Z'],
    ['scheduledAt', 'tomorrow'],
  ])('refuses %s = %j, naming it', async (field, value) => {
    expect(await fieldsRefused({ ...valid, [field]: value })).toEqual([field]);
  });

  it('takes 0.5 and 24 hours and a scheduledAt in the future', async () => {
    expect(await fieldsRefused({ ...valid, estimatedHours: 0.5 })).toEqual([]);
    expect(await fieldsRefused({ ...valid, estimatedHours: 24 })).toEqual([]);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await fieldsRefused({ ...valid, scheduledAt: future })).toEqual([]);
  });

  it.each(['status', 'estimatedPrice', 'id', 'tenantId', 'customerId'])(
    'refuses the read-only field %s',
    async (field) => {
      expect(await fieldsRefused({ ...valid, [field]: 'x' })).toEqual([field]);
    },
  );
});
