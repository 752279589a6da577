// The Studio's one way to the server: the public REST API, same origin, JSON in the envelope
// { success, message?, data } or the error format { success: false, error: { code, message, details? } }.
// Nothing else is ever fetched: no CDN, no fonts, no telemetry.

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly data: unknown;
  constructor(status: number, code: string, message: string, details: ErrorDetail[] = [], data?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.data = data;
  }
}

export interface Envelope<T> {
  success: true;
  message?: string;
  data: T;
}

export interface Caller {
  /** The bearer token of the signed-in user, if any. */
  token?: string;
  /** Called when the server says the session is over (401 on an authenticated call). */
  onUnauthenticated?: () => void;
}

export async function request<T>(caller: Caller, method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: BodyInit } = {}): Promise<Envelope<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  if (caller.token) headers.Authorization = `Bearer ${caller.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached. Check that Rulepath is running.');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'BAD_RESPONSE', `The server answered ${res.status} without JSON`);
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: ErrorDetail[]; data?: unknown } } | undefined)?.error;
    if (res.status === 401 && caller.token) caller.onUnauthenticated?.();
    throw new ApiError(res.status, error?.code ?? 'HTTP_' + res.status, error?.message ?? `The server answered ${res.status}`, error?.details ?? [], error?.data);
  }
  return json as Envelope<T>;
}

/** The data of a successful call. */
export async function call<T>(caller: Caller, method: string, path: string, body?: unknown): Promise<T> {
  return (await request<T>(caller, method, path, body)).data;
}

/** A path segment, encoded. */
export const seg = (s: string | number) => encodeURIComponent(String(s));

/** How an error reads to a person: its message, then each detail. */
export function describeError(err: unknown): { message: string; details: ErrorDetail[] } {
  if (err instanceof ApiError) return { message: err.message, details: err.details };
  return { message: err instanceof Error ? err.message : String(err), details: [] };
}
