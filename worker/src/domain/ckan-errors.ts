// CKAN's error shapes and statuses (ckan-compat §2.1). The `__type` values and messages are CKAN's own
// protocol strings: clients such as ckanapi map them to exceptions, so they are kept verbatim (English).

/** An action error answered as `{help, success: false, error}`. */
export class CkanActionError extends Error {
  constructor(readonly status: number, readonly error: Record<string, unknown>) {
    super(String(error.message ?? error.__type));
  }
}

/** Request-level errors that CKAN answers with a bare JSON string body (unknown action, bad JSON, GET on a write). */
export class CkanBadRequest extends Error {}

export const notFound = (detail?: string) =>
  new CkanActionError(404, { __type: 'Not Found Error', message: detail ? `Not found: ${detail}` : 'Not found' });

export const notAuthorized = (detail?: string) =>
  new CkanActionError(403, { __type: 'Authorization Error', message: detail ? `Access denied: ${detail}` : 'Access denied' });

export const validationError = (fields: Record<string, string[]>) =>
  new CkanActionError(409, { ...fields, __type: 'Validation Error' });

export const searchQueryError = (detail: string) =>
  new CkanActionError(400, { __type: 'Search Query Error', message: `Search Query is invalid: ${detail}` });

export const MISSING_VALUE = 'Missing value';
