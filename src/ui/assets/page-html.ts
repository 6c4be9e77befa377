/** The /ui page shell; app.js fills it from /ui/chart.json and the /ui/events stream. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kuutamod: state</title>
<link rel="stylesheet" href="/ui/style.css">
</head>
<body data-state="">
<header>
  <h1><span id="node">kuutamod</span> <small id="account"></small></h1>
  <div class="now">state <strong id="state">…</strong> <span id="detail"></span></div>
  <div id="connection" class="connection">connecting…</div>
</header>
<main>
  <section class="chart"><svg id="chart" viewBox="0 0 1000 640" role="img" aria-label="failover statechart"></svg></section>
  <aside>
    <h2>Node</h2>
    <dl id="facts"></dl>
    <h2>Recent transitions</h2>
    <table id="transitions"><thead><tr><th>time</th><th>from</th><th>to</th><th>cause</th></tr></thead><tbody></tbody></table>
  </aside>
</main>
<script src="/ui/app.js"></script>
</body>
</html>
`;
