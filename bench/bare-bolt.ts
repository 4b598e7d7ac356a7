/**
 * The baseline for bench/escalate-ack.ts: a bare Bolt app on its HTTPReceiver that verifies the
 * signature of `/escalate` and acks it, nothing else. PORT and SLACK_SIGNING_SECRET from the environment.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.env['SLACK_SIGNING_SECRET'] ?? '', endpoints: '/slack/events', processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({ receiver, logLevel: LogLevel.ERROR, authorize: async () => ({ botToken: 'xoxb-bench', botId: 'B0BENCH', botUserId: 'U0BENCH' }) });
app.command('/escalate', async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env['PORT'] ?? 0));
process.stdout.write('ready\n');
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
