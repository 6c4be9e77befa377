/**
 * Read a live /metrics answer (Prometheus text format 0.0.4) into samples, so tests can assert on the
 * values a real daemon exports rather than on what its code is believed to set.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetricsText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = line.match(/^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/);
    if (!match) throw new Error(`not a sample line of the Prometheus text format: ${line}`);
    const [, name, labelText, value] = match;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (labelText ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: name!, labels, value: Number(value) });
  }
  return samples;
}

/** The one sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** GET <url>/metrics of a running daemon (or neard). */
export async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  return response.text();
}
