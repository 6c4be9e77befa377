/**
 * The text of a WebSocket message as `ws` delivers it: a Buffer, an ArrayBuffer or a list of fragments.
 * `String(data)` would give "[object ArrayBuffer]" for two of the three; the inspector tests read JSON text.
 */
import type { RawData } from 'ws';

export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
