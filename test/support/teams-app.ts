/** The real app, with Teams activities posted to /api/messages and the Bot Connector faked. */
import type { AppOptions } from '../../src/app.js';
import { parseEnv } from '../../src/config/env.js';
import type { TeamConfig } from '../../src/config/team-config-schema.js';
import { cardProblems, cardsIn } from './adaptive-cards.js';
import { startTestApp } from './app.js';
import { fastSlaConfig } from './configs.js';
import { FakeConnector } from './fake-connector.js';
import { botAddedToTeam, installedForUser, type ANA } from './teams-activities.js';
import { deletePrefix, newRedis } from './redis.js';

export interface TeamsHarness {
  app: Awaited<ReturnType<typeof startTestApp>>;
  base: string;
  connector: FakeConnector;
  serviceUrl: string;
  send(activity: unknown): Promise<{ status: number; json: unknown; text: string }>;
  /** The bot is added to the team and installed for `user` (so that it can post and DM there). */
  meet(user: typeof ANA): Promise<void>;
  /** Problems with every Adaptive Card Shiftlead sent to the connector or answered an invoke with. */
  cardProblems(): string[];
  close(): Promise<void>;
}

export async function startTeamsHarness(options: { config?: TeamConfig; env?: Record<string, string>; app?: Partial<AppOptions> } = {}): Promise<TeamsHarness> {
  const connector = new FakeConnector();
  const serviceUrl = await connector.start();
  const app = await startTestApp({ env: parseEnv({ ...options.env }), config: options.config ?? fastSlaConfig(), ...options.app });
  const base = `http://127.0.0.1:${app.port}`;
  const responses: unknown[] = [];
  const harness: TeamsHarness = {
    app,
    base,
    connector,
    serviceUrl,
    async send(activity) {
      const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof activity === 'string' ? activity : JSON.stringify(activity) });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      responses.push(json);
      return { status: res.status, json, text };
    },
    async meet(user) {
      for (const activity of [botAddedToTeam(serviceUrl, user), installedForUser(serviceUrl, user)]) {
        const res = await harness.send(activity);
        if (res.status !== 200) throw new Error(`Teams answered ${res.status} to ${activity.type}`);
      }
    },
    cardProblems() {
      return [...connector.calls.flatMap((c) => cardsIn(c.body)), ...responses.flatMap((r) => cardsIn(r))].flatMap((card) => cardProblems(card));
    },
    async close() {
      await app.close();
      await connector.stop();
      const redis = newRedis();
      await deletePrefix(redis, app.prefix);
      redis.disconnect();
    },
  };
  return harness;
}
