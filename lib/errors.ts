// One error type for everything a user can meet; the code decides the HTTP status.
// Unknown errors are never shown as-is: they become a plain 500 (see toHttpError).
export const errorCodes = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unprocessable',
  'gone',
  'payload_too_large',
  'internal',
  'unavailable',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const statusForCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unprocessable: 422,
  // a moment older than what the store keeps (retention)
  gone: 410,
  // a body past what the route reads at all (the Alertmanager webhook: 32 MiB)
  payload_too_large: 413,
  internal: 500,
  // not switched on yet, try again later (the webhook without its token: Alertmanager retries 5xx)
  unavailable: 503,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export interface HttpErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function toHttpError(err: unknown): { status: number; body: HttpErrorBody } {
  if (err instanceof AppError) {
    return {
      status: statusForCode[err.code],
      body: { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } },
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal server error' } } };
}

/** The message of anything thrown, for logs and error records (a non-Error value is stringified). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
