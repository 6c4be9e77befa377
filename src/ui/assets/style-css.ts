/** Styles of the /ui page: the shell, the facts panel and the chart drawn by src/ui/browser/chart-svg.ts. */
export const STYLE_CSS = `
:root { --fg: #1d2733; --muted: #6b7785; --line: #c9d1da; --active: #0a7d4f; --active-bg: #dff5ea; --warn: #b5471b; --recent: #b8540a; --recent-bg: #fff1e3; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f8fa; }
header { display: flex; align-items: baseline; gap: 24px; padding: 12px 20px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 18px; }
h1 small { color: var(--muted); font-weight: normal; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 16px 0 6px; }
.now strong { font-size: 18px; color: var(--active); }
#detail { color: var(--muted); }
.connection { margin-left: auto; font-size: 12px; color: var(--muted); }
.connection.live::before { content: "● "; color: var(--active); }
.connection.down::before { content: "● "; color: var(--warn); }
/* The chart is tall (laid out top to bottom): it takes the wide column, the facts stay in view beside it. */
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(340px, max-content); gap: 16px; padding: 16px 20px; align-items: start; }
aside { position: sticky; top: 16px; display: grid; gap: 16px; max-width: 440px; }
.facts, .history { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 16px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
svg { width: 100%; height: auto; display: block; margin: 0 auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th, td { text-align: left; padding: 3px 4px; border-bottom: 1px solid #eef1f4; }
td.time { font-family: ui-monospace, monospace; color: var(--muted); white-space: nowrap; }
/* The chart (src/ui/browser/chart-svg.ts). Label fonts are measured before layout: change them freely. */
.measuring { pointer-events: none; }
.state-label, .edge-label { dominant-baseline: text-before-edge; }
.state-label tspan, .edge-label tspan { dominant-baseline: text-before-edge; }
.state-label { font-size: 14px; font-weight: 600; fill: var(--fg); }
.compound-label { font-size: 13px; font-weight: 700; letter-spacing: .02em; fill: var(--muted); }
.any-state-label { font-size: 12px; font-weight: 500; font-style: italic; fill: var(--muted); }
.edge-label { font: 11px ui-monospace, "DejaVu Sans Mono", monospace; fill: #3d4955; }
.edge-label .guard { fill: #7a6a1f; }
.state .box { fill: #fff; stroke: #9aa7b5; stroke-width: 1.5; }
.state.compound > .box { fill: #f3f6f9; stroke: #b9c4cf; stroke-dasharray: none; }
.state.final .ring { fill: none; stroke: #9aa7b5; stroke-width: 1; }
.state.active > .box { stroke: var(--active); stroke-width: 2; }
.state.compound.active > .box { fill: #eefaf3; }
.state.compound.active .compound-label { fill: var(--active); }
.state.current > .box { fill: var(--active-bg); stroke: var(--active); stroke-width: 3.5; }
.state.current .state-label { fill: var(--active); }
.pseudo.initial circle { fill: var(--fg); }
.pseudo.any-state .box { fill: #fff; stroke: #9aa7b5; stroke-width: 1.2; stroke-dasharray: 5 3; }
#arrowhead path { fill: #7d8a99; }
#arrowhead-recent path { fill: var(--recent); }
.edge path { fill: none; stroke: #7d8a99; stroke-width: 1.3; }
.edge .label-bg { fill: #fff; fill-opacity: .92; }
.edge.recent path { stroke: var(--recent); stroke-width: 3; }
.edge.recent .label-bg { fill: var(--recent-bg); fill-opacity: 1; stroke: var(--recent); stroke-width: 1.2; }
.edge.recent path { marker-end: url(#arrowhead-recent); }
/* Colour only: a bolder font would outgrow the box the label was measured and laid out with. */
.edge.recent .edge-label { fill: var(--recent); }
.error { color: var(--warn); margin: 8px 0 0; }
/* The pool table (src/ui/browser/pool-panel.ts): the lock holder stands out, an ineligible member is muted. */
.pool { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 12px; margin: 16px 20px 0; overflow-x: auto; }
#pool td { font-family: ui-monospace, monospace; white-space: nowrap; }
#pool tr.holds-lock td { background: var(--active-bg); color: var(--active); font-weight: 600; }
#pool tr.ineligible td[data-column="eligible"] { color: var(--warn); }
#pool-notes { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: 12px; }
#pool-notes:empty { display: none; }
/* The timeline of validator changes (src/ui/browser/history-panel.ts): planned changes muted, unplanned ones stand out. */
.timeline { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 12px; margin: 16px 20px 0; overflow-x: auto; max-height: 320px; overflow-y: auto; }
.timeline h2 small { text-transform: none; letter-spacing: 0; }
#timeline td { font-family: ui-monospace, monospace; white-space: nowrap; }
#timeline td[data-column="detail"] { white-space: normal; font-family: inherit; }
#timeline tr.unplanned td[data-column="reason"] { color: var(--warn); font-weight: 600; }
#timeline tr.pending td { font-style: italic; color: var(--muted); }
#timeline-notes { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: 12px; }
#timeline-notes:empty { display: none; }
.error:empty { display: none; }
`;
