/** The /ui page shell; the page's modules (src/ui/browser/) fill it from /ui/chart.json, the /ui/events stream, /ui/members.json and /ui/history.json. */
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
<section class="pool">
  <h2>Pool</h2>
  <table id="pool"><thead></thead><tbody></tbody></table>
  <ul id="pool-notes"></ul>
</section>
<section class="timeline">
  <h2>Validator changes <small>newest first</small></h2>
  <table id="timeline"><thead></thead><tbody></tbody></table>
  <ul id="timeline-notes"></ul>
</section>
<main>
  <section class="chart">
    <svg id="chart" role="img" aria-label="failover statechart"></svg>
    <p id="chart-error" class="error"></p>
  </section>
  <aside>
  <section class="facts">
    <h2>Node</h2>
    <dl id="facts"></dl>
  </section>
  <section class="history">
    <h2>Recent transitions</h2>
    <table id="transitions"><thead><tr><th>time</th><th>from</th><th>to</th><th>cause</th></tr></thead><tbody></tbody></table>
  </section>
  </aside>
</main>
<!-- elkjs first: a classic script that defines the global ELK the page's modules lay the chart out with. -->
<script src="/ui/vendor/elk.bundled.js"></script>
<script type="module" src="/ui/app/main.js"></script>
</body>
</html>
`;
