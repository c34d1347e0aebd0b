// JSON requests from the page to the REST API, with the session cookie. A refusal or failure
// becomes an ApiError carrying the server's code (HMI_CONFIRM_REQUIRED, PLC_TAG_TYPE, ...).

/** A refusal or failure, with the server's code and message. */
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const json = (await res.json().catch(() => ({}))) as T & { error?: string; message?: string };
  if (!res.ok) throw new ApiError(json.error ?? String(res.status), json.message ?? res.statusText);
  return json;
}
