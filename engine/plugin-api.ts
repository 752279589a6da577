// The only engine module a plugin imports: the provider contract of every kind, the error a
// provider throws, and what it is given. Plugins live in plugins/<kind>/<name>/index.ts.
import type { Readable } from 'node:stream';
import type { Logger } from './support/logger.ts';


/** Injected into every provider, so tests give it a fake clock and a fetch aimed at a local fake vendor. */
export interface ProviderDeps {
  fetch: typeof fetch;
  clock: () => Date;
  logger: Logger;
  /** Where providers that keep local state (the fs blob store) may write. */
  dataDir: string;
  /** NODE_ENV=production: development providers (verification fixtures) refuse to answer there. */
  production: boolean;
}

export interface ProviderPlugin<K extends ProviderKind = ProviderKind, Config = unknown, Impl = unknown> {
  kind: K;
  /** Stable id used in app definitions: `provider: msg91`. */
  name: string;
  /** JSON Schema of the config; validated (after ${ENV} references are resolved) before create(). */
  configSchema: object;
  create(config: Readonly<Config>, deps: ProviderDeps): Impl;
}

export interface SendResult {
  providerMessageId: string;
}

export interface SmsMessage {
  /** 10-digit Indian mobile number; providers add the country code their API wants. */
  to: string;
  body: string;
  /**
   * Unique to the outbox message and the same on every attempt, a re-send after a crash included.
   * Pass it wherever the vendor's documented API takes one (plugins/README.md, "Idempotency keys").
   */
  idempotencyKey: string;
}

export interface SmsProvider {
  send(message: SmsMessage): Promise<SendResult>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** As for SMS: one key per outbox message, the same on every attempt. */
  idempotencyKey: string;
}

export interface EmailProvider {
  send(message: EmailMessage): Promise<SendResult>;
}

export interface EventMessage {
  /** Downstream topic, e.g. CLEVERTAP. */
  topic: string;
  /** Event type, e.g. LEAD_CREATED. */
  type: string;
  /** Partition / ordering key (the record id). */
  key: string;
  payload: unknown;
  /** As for SMS: one key per outbox message, the same on every attempt (not the partition `key`). */
  idempotencyKey: string;
}

export interface EventsProvider {
  publish(message: EventMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

export interface BlobStat {
  key: string;
  size: number;
  sha256: string;
  contentType?: string;
  modifiedAt: Date;
  /** Written once (`immutable`): the store refuses to overwrite it, and to delete it before `retainUntil`. */
  immutable?: boolean;
  /** The store keeps the blob at least until then (a quotation PDF: seven years). */
  retainUntil?: Date;
}

export interface BlobWriteOptions {
  contentType?: string;
  /**
   * Write-once: refused with a permanent ProviderError (vendorCode `BLOB_EXISTS`) when the key is
   * taken, and never overwritten or deleted afterwards (before `retainUntil`, or ever without it).
   */
  immutable?: boolean;
  /** Retention kept with the blob; a delete before then is refused (vendorCode `BLOB_RETAINED`). */
  retainUntil?: Date;
}

/** A URL a client may use without any other credential, until `expiresAt`. */
export interface SignedBlobUrl {
  url: string;
  method: 'GET' | 'PUT';
  /** Headers the client must send with it (Azure: `x-ms-blob-type: BlockBlob`). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/**
 * A small streaming blob interface (after Directus' storage drivers). A store that clients can
 * reach directly (Azure Blob: a SAS) signs URLs itself; one that cannot (fs) leaves the two
 * `signed*` methods out, and the engine hands out URLs to its own upload/download routes instead.
 */
export interface BlobProvider {
  write(key: string, data: Buffer | Readable, options?: BlobWriteOptions): Promise<BlobStat>;
  read(key: string): Promise<Readable>;
  stat(key: string): Promise<BlobStat | undefined>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<string>;
  /** A URL to PUT exactly one blob at `key` (refused if the key is taken). */
  signedUploadUrl?(key: string, options: { expiresAt: Date; contentType?: string }): Promise<SignedBlobUrl>;
  /** A URL to GET the blob at `key`; `fileName` becomes the download's Content-Disposition. */
  signedDownloadUrl?(key: string, options: { expiresAt: Date; fileName?: string; contentType?: string }): Promise<SignedBlobUrl>;
}

/** The contract of each provider kind, by kind (engine/providers/provider-kinds.ts says how apps use it). */
/** What a verification provider can be asked (plugins/README.md, "Verification"). */
export type VerificationCheck = 'pan' | 'bankAccount' | 'nameMatch' | 'aadhaarOtp' | 'aadhaarKyc';

export interface VerificationRequest {
  check: VerificationCheck;
  /**
   * pan: { pan, name?, dateOfBirth? (YYYY-MM-DD) } against the Income Tax Department's records;
   * bankAccount: { accountNumber, ifsc, name? } (a penny drop: the bank names the holder);
   * nameMatch: { name, against } (two spellings of one person's name);
   * aadhaarOtp: { aadhaar } (12 digits): the vendor has UIDAI send a code to the mobile linked to
   *   that Aadhaar, for an offline e-KYC. Facts: { reference } (the vendor's id of that request,
   *   which aadhaarKyc needs; never the Aadhaar number). Mismatch: the Aadhaar exists but no mobile
   *   is linked to it (no code can be sent); invalid: no such Aadhaar;
   * aadhaarKyc: { reference, otp } (aadhaarOtp's reference, the code the holder received): the
   *   offline e-KYC, as plain strings (null where UIDAI has none): { name, careOf, dateOfBirth
   *   (YYYY-MM-DD), gender (male / female / other), addressLine (house, street, landmark,
   *   locality, post office), city (village/town/city, else district), district, state, pinCode,
   *   country }. Invalid: a wrong or expired code, or a reference the vendor no longer knows (the
   *   holder asks for a new code).
   */
  subject: Readonly<Record<string, string>>;
  /**
   * Unique to this verification and the same on its retries: pass it as the vendor's verification
   * or reference id, where its documented API has one.
   */
  reference: string;
}

export interface VerificationResult {
  /**
   * verified: the document exists and matches what was given; mismatch: it exists, but the name
   * (or date of birth) on record differs; invalid: no such document (or it is not active).
   */
  outcome: 'verified' | 'mismatch' | 'invalid';
  /** What was learnt, for the journey: registeredName, nameMatchScore (0-100), dobMatch, panType... */
  facts: Readonly<Record<string, string | number | boolean | null>>;
  /** The vendor's answer as kept for the audit (the engine masks document numbers before storing it). */
  evidence: Readonly<Record<string, unknown>>;
  /** The vendor's own id for this verification. */
  vendorReference?: string;
}

export interface VerificationProvider {
  /** The checks this provider offers; a chain passes any other to its next provider. */
  readonly checks: readonly VerificationCheck[];
  /** Throws ProviderError: transient when the vendor could not answer (the chain tries the next). */
  verify(request: VerificationRequest): Promise<VerificationResult>;
}

export interface ProviderImpls {
  sms: SmsProvider;
  email: EmailProvider;
  blob: BlobProvider;
  events: EventsProvider;
  verification: VerificationProvider;
}

export type ProviderKind = keyof ProviderImpls;

/**
 * What a provider throws. `transient` failures (timeouts, 5xx, 429) are retried with backoff and
 * count against the circuit breaker; permanent ones (bad number, bad key) go straight to dead letter.
 */
export class ProviderError extends Error {
  readonly transient: boolean;
  readonly vendor: string;
  readonly retryAfterMs: number | undefined;
  readonly vendorCode: string | undefined;

  constructor(vendor: string, message: string, options: { transient: boolean; retryAfterMs?: number; vendorCode?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.vendor = vendor;
    this.transient = options.transient;
    this.retryAfterMs = options.retryAfterMs;
    this.vendorCode = options.vendorCode;
  }
}

export function definePlugin<K extends ProviderKind, Config>(plugin: ProviderPlugin<K, Config, ProviderImpls[K]>): ProviderPlugin<K, Config, ProviderImpls[K]> {
  return plugin;
}

/**
 * Shared HTTP handling for vendor clients: a timeout, and the translation every vendor needs of
 * HTTP outcomes into transient / permanent ProviderErrors (429 keeps its Retry-After).
 * `ownStatuses`: error statuses whose body the plugin reads itself, because the vendor answers
 * something there (Setu's 404 for an unknown PAN, Cashfree's 400 with its error code); they are
 * returned like a success instead of thrown.
 */
export async function vendorRequest(vendor: string, deps: ProviderDeps, url: string, init: RequestInit & { timeoutMs?: number; ownStatuses?: readonly number[] }): Promise<Response> {
  const { timeoutMs, ownStatuses, ...request } = init;
  let res: Response;
  try {
    res = await deps.fetch(url, { ...request, signal: AbortSignal.timeout(timeoutMs ?? 10_000) });
  } catch (err) {
    throw new ProviderError(vendor, `${vendor} did not answer: ${(err as Error).message}`, { transient: true, cause: err });
  }
  if (res.ok || ownStatuses?.includes(res.status)) return res;
  const text = await res.text().catch(() => '');
  const retryAfter = res.headers.get('retry-after');
  const retryAfterMs = retryAfter === null ? undefined : /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Math.max(0, Date.parse(retryAfter) - deps.clock().getTime()) || undefined;
  const transient = res.status === 429 || res.status === 408 || res.status >= 500;
  throw new ProviderError(vendor, `${vendor} answered ${res.status}: ${text.slice(0, 300)}`, { transient, retryAfterMs, vendorCode: String(res.status) });
}
