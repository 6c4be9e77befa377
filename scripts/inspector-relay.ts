/**
 * `npm run inspector [-- --port 8080]`: the Stately inspector relay for `kuutamod --inspect`.
 * Run it where your browser is (it embeds https://stately.ai/inspect, which needs the internet), and
 * reach it from the validator through an SSH tunnel (docs/inspector.md). Ctrl-C stops it.
 */
import { createInspectorServer } from '@statelyai/inspect/server';

const at = process.argv.indexOf('--port');
const port = at >= 0 ? Number(process.argv[at + 1]) : 8080;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`--port: '${process.argv[at + 1]}' is not a TCP port`);
  process.exit(2);
}
const server = createInspectorServer({ port, autoOpen: false });
console.log(`inspector relay on port ${port}: open http://localhost:${port} in a browser, run kuutamod --inspect ws://127.0.0.1:${port}`);
process.on('SIGINT', () => {
  server.stop();
  process.exit(0);
});
