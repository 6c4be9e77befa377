/** The side panel and header of the /ui page: who this node is, what it holds, and its recent transitions. */
import type { PageProduction, PageTakeoverCheck, PageView } from '../page-view.js';
import { htmlElement, requireElement } from './dom.js';

const NONE = '\u2014';

const show = (value: string | number | boolean | null): string => (value === null || value === '' ? NONE : String(value));

export function renderHeader(view: PageView): void {
  // For scripts and tests reading the page: what the header and the chart's highlight show.
  document.body.dataset.state = view.state ?? '';
  document.body.dataset.detail = view.detail ?? '';
  requireElement('#node', HTMLElement).textContent = view.nodeId;
  requireElement('#account', HTMLElement).textContent = view.accountId;
  requireElement('#state', HTMLElement).textContent = view.state ?? '\u2026';
  requireElement('#detail', HTMLElement).textContent = view.detail && view.detail !== view.state ? `(${view.detail})` : '';
  document.title = `kuutamod ${view.nodeId}: ${view.state ?? ''}`;
}

/** This node's production in words: a leader's own health, or a standby's verdict on the leader. */
export function productionText(production: PageProduction | null): string {
  if (production === null) return NONE;
  const detail = production.detail === null ? '' : `: ${production.detail}`;
  if (production.health !== null) return production.health === 'producing' ? 'producing' : `${production.health}${detail}`;
  if (production.verdict === null) return NONE;
  const verdict = production.verdict === 'cannot-judge' ? 'cannot judge' : production.verdict;
  return `leader ${production.leaderId ?? '(none)'}: ${verdict}${production.verdict === 'healthy' ? '' : detail}`;
}

export function takeoverCheckText(check: PageTakeoverCheck | null): string {
  if (check === null) return NONE;
  // The details say "validating and producing: block #H" and "not confirmed within N s (why)" themselves.
  const words = check.result === 'not-producing' ? 'not producing: ' : '';
  return `${words}${check.detail} (${new Date(check.at).toLocaleTimeString()})`;
}

export function renderFacts(view: PageView): void {
  const rows: Array<[string, string]> = [
    ['holds lock', view.holdsLock ? 'yes' : 'no'],
    ['session', show(view.sessionId)],
    ['neard pid', show(view.neardPid)],
    ['neard mode', show(view.neardMode)],
    ['sync height', show(view.blockHeight)],
    ['syncing', show(view.syncing)],
    ['neard restarts', String(view.neardRestarts)],
    ['production', productionText(view.production)],
    ['production counts', view.production === null ? NONE : (view.production.countsProblem ?? 'readable')],
    ['takeover check', takeoverCheckText(view.lastTakeoverCheck)],
    ['last error', show(view.lastError)],
  ];
  const list = requireElement('#facts', HTMLDListElement);
  list.replaceChildren();
  for (const [name, value] of rows) {
    htmlElement('dt', list, name);
    htmlElement('dd', list, value).id = `fact-${name.replaceAll(' ', '-')}`;
  }
}

/** Newest first, the last 20. */
export function renderTransitions(view: PageView): void {
  const body = requireElement('#transitions tbody', HTMLTableSectionElement);
  body.replaceChildren();
  for (const t of view.transitions.slice(-20).reverse()) {
    const row = htmlElement('tr', body);
    const time = htmlElement('td', row, new Date(t.at).toLocaleTimeString());
    time.className = 'time';
    time.title = t.at;
    htmlElement('td', row, t.from ?? NONE);
    htmlElement('td', row, t.to);
    htmlElement('td', row, t.cause);
  }
}
