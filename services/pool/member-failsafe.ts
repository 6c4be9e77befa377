/**
 * The member record's failsafe address (issue 18): the URL this member answers failsafe confirmation
 * requests at (services/pool/failsafe/, docs/failsafe-protocol.md), which a leader cut off from Consul
 * reads from the records it last saw. Kept apart from member-record.ts like the hot-swap fields. Read
 * defensively: a missing field (an older daemon) or anything that is not an http(s) URL reads as null,
 * "not reachable for confirmations", and never makes the whole record unreadable.
 */

export interface FailsafeFields {
  /** Where this member is asked for confirmations (the full URL of POST /v1/failsafe/confirm); null: nowhere. */
  failsafeUrl: string | null;
}

export const FAILSAFE_OFF: FailsafeFields = { failsafeUrl: null };

/** The confirm route's path on the exporter server (src/failsafe/confirm-route.ts). */
export const FAILSAFE_CONFIRM_PATH = '/v1/failsafe/confirm';

/** Longer than any real address; a longer value is not taken as one. */
const MAX_URL_LENGTH = 2048;

/** Anything passes the record's check: withFailsafeDefaults turns what is not a usable URL into null. */
export const FAILSAFE_FIELD_TYPES: Record<keyof FailsafeFields, (value: unknown) => boolean> = {
  failsafeUrl: () => true,
};

/** `value` if it is an absolute http(s) URL without credentials, else null. */
export function failsafeUrlOf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return value;
}

/** A checked record with its failsafe address made usable or null. */
export function withFailsafeDefaults<T extends FailsafeFields>(record: T): T {
  return { ...record, failsafeUrl: failsafeUrlOf(record.failsafeUrl) };
}

/** The confirm URL on a host and port (the exporter address by default); an IPv6 host is bracketed. */
export function failsafeUrlFor(address: { host: string; port: number }, scheme: 'http' | 'https' = 'http'): string {
  const host = address.host.includes(':') && !address.host.startsWith('[') ? `[${address.host}]` : address.host;
  return `${scheme}://${host}:${address.port}${FAILSAFE_CONFIRM_PATH}`;
}
