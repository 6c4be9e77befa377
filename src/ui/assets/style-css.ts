/** Styles of the /ui page. */
export const STYLE_CSS = `
:root { --fg: #1d2733; --muted: #6b7785; --line: #c9d1da; --active: #0a7d4f; --active-bg: #dff5ea; --warn: #b5471b; }
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
main { display: grid; grid-template-columns: minmax(600px, 2fr) minmax(320px, 1fr); gap: 16px; padding: 16px 20px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
svg { width: 100%; height: auto; display: block; }
aside { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th, td { text-align: left; padding: 3px 4px; border-bottom: 1px solid #eef1f4; }
td.time { font-family: ui-monospace, monospace; color: var(--muted); white-space: nowrap; }
.state rect { fill: #fff; stroke: var(--line); stroke-width: 1.5; }
.state text.name { font-weight: 600; font-size: 15px; }
.state.active rect.box { fill: var(--active-bg); stroke: var(--active); stroke-width: 3; }
.state.active text.name { fill: var(--active); }
.substate { font-size: 12px; fill: var(--muted); }
.substate.active { fill: var(--active); font-weight: 700; }
.loop { font-size: 10px; fill: var(--muted); }
.edge path { fill: none; stroke: #8a97a6; stroke-width: 1.3; }
.edge text { font-size: 10px; fill: #4a5663; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.edge.recent path { stroke: var(--active); stroke-width: 2.5; }
.edge.recent text { fill: var(--active); }
.note { font-size: 11px; fill: var(--muted); }
`;
