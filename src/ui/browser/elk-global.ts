/**
 * elkjs in the browser: its bundle (served locally at /ui/vendor/elk.bundled.js, loaded by a classic
 * <script> before the page's modules) defines a global `ELK` constructor. Typed here from elkjs's own
 * declarations so the layout code is checked against the real API.
 */
import type { ELK, ELKConstructorArguments } from 'elkjs/lib/elk-api.js';

declare global {
  interface Window {
    ELK?: new (args?: ELKConstructorArguments) => ELK;
  }
}

export function createElk(): ELK {
  const Elk = window.ELK;
  if (Elk === undefined) throw new Error('elkjs did not load (GET /ui/vendor/elk.bundled.js): the chart cannot be laid out');
  return new Elk();
}
