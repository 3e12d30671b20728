/** The body of every error answer (docs/architecture.md, Wire conventions). */
export interface ErrorEnvelope {
  statusCode: number;
  /** Stable and machine-readable: `booking_overlap`, `lead_not_found`, `validation_failed` … */
  code: string;
  error: string;
  message: string;
  details?: unknown;
  requestId: string;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The code of an error nothing more specific names, by its status: 404 → `not_found`. */
export function codeForStatus(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'internal_error' : 'bad_request');
}

const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'unavailable',
  504: 'gateway_timeout',
};

/** The standard reason phrase for a status, e.g. 409 → "Conflict". */
export function reasonPhrase(statusCode: number): string {
  return REASON_PHRASES[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Error');
}

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
