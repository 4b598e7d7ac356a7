/**
 * The Slack Web API stand-in for bench/escalate-ack.ts, in its own process so that its work is
 * neither server's: the test suite's FakeSlack, keeping counts per method (not every call).
 * Prints its base URL. GET /_stats → { counts: {method: n}, last: {method: args} }.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeSlack } from '../test/support/fake-slack.js';

const slack = new FakeSlack();
const apiUrl = await slack.start();
const counts: Record<string, number> = {};
const last: Record<string, unknown> = {};
const tally = () => {
  for (const call of slack.calls.splice(0)) {
    counts[call.method] = (counts[call.method] ?? 0) + 1;
    last[call.method] = call.args;
  }
};
setInterval(tally, 200).unref();

const stats = createServer((_req, res) => {
  tally();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ counts, last }));
});
await new Promise<void>((done) => stats.listen(0, '127.0.0.1', done));
process.stdout.write(`${JSON.stringify({ apiUrl, statsUrl: `http://127.0.0.1:${(stats.address() as AddressInfo).port}/` })}\n`);
process.once('SIGTERM', () => void slack.stop().then(() => process.exit(0)));
