import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/**
 * Operation ids a client generator turns into readable method names (`listLeads`, `getLead`,
 * `createBooking`) instead of Nest's `LeadsController_list`. A method named by a single verb gets
 * its controller's noun (plural for `list`); other method names are used as they are, unless named
 * here.
 */
const OPERATION_IDS: Record<string, string> = {
  'AuthController.me': 'getMe',
  'CredentialsController.connect': 'connectGoogle',
  'CredentialsController.callback': 'googleCallback',
  'CredentialsController.watch': 'watchGmail',
  'BookingsController.meeting': 'getBookingMeeting',
  'BookingsController.changeStatus': 'changeBookingStatus',
  'LeadsController.changeStatus': 'changeLeadStatus',
  'LeadsController.activities': 'listLeadActivities',
  'LeadsController.leadStats': 'getLeadStats',
  'InvoicesController.creditNote': 'createCreditNote',
  'CalendarController.availability': 'getAvailability',
  'NotificationsController.markRead': 'markNotificationRead',
  'GmailWebhookController.push': 'receiveGmailPush',
  'AiController.extract': 'extractLeadDetails',
  'TwilioWebhooksController.inbound': 'receiveTwilioSms',
  'TwilioWebhooksController.status': 'receiveTwilioStatus',
  'HealthController.live': 'getLiveness',
  'HealthController.ready': 'getReadiness',
  'HealthController.scrape': 'getMetrics',
  'BookingSeriesController.monthlyInvoice': 'createMonthlyInvoice',
};

/** Nouns the controller name does not give by itself (singular, plural). */
const NOUNS: Record<string, [string, string]> = {
  Auth: ['', ''],
  Credentials: ['Integration', 'Integrations'],
  Sms: ['Sms', 'Sms'],
  BookingSeries: ['BookingSeries', 'BookingSeries'],
};

/** Single-verb method names spelled another way in an operation id. */
const VERBS: Record<string, string> = { remove: 'delete' };

function nounsOf(controllerKey: string): [string, string] {
  const name = controllerKey.replace(/Controller$/, '');
  if (NOUNS[name]) return NOUNS[name];
  const singular = name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.replace(/s$/, '');
  return [singular, name];
}

export function operationIdOf(controllerKey: string, methodKey: string): string {
  const named = OPERATION_IDS[`${controllerKey}.${methodKey}`];
  if (named) return named;
  if (/[A-Z]/.test(methodKey)) return methodKey;
  const [singular, plural] = nounsOf(controllerKey);
  return `${VERBS[methodKey] ?? methodKey}${methodKey === 'list' ? plural : singular}`;
}

/** "listLeadActivities" → "List lead activities", for operations that have no summary of their own. */
function summaryOf(operationId: string): string {
  const words = operationId.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The OpenAPI document served at /api/docs-json and written by `npm run openapi`. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('RenOS API')
    .setDescription(
      'Lead-to-cash backend for Danish cleaning businesses. Errors use the envelope ' +
        '{ statusCode, code, error, message, details?, requestId }; lists use { data, meta }.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdOf });
  checkOperations(document);
  return document;
}

/**
 * Fails on an operationId used twice (a generated client would drop one of the routes) and gives every
 * operation without a summary one read from its id.
 */
export function checkOperations(document: OpenAPIObject): void {
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation.operationId ?? '';
      // Two routes under one id would make generated clients drop one of them: fail the build.
      if (seen.has(id))
        throw new Error(`OpenAPI operationId "${id}" is used by ${seen.get(id)} and ${where}`);
      seen.set(id, where);
      operation.summary ??= summaryOf(id);
    }
  }
}
