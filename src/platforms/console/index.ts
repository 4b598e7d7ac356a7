/** The console, assembled: its platform (messages remembered in Redis) and, once the app runs, its REPL. */
import type { RedisClient } from '../../store/redis.js';
import type { Interactions } from '../../core/interactions.js';
import type { Settings } from '../../core/settings.js';
import { RedisConsoleMessages } from '../../store/console-messages.js';
import { CONSOLE_TENANT, ConsolePlatform } from './console-platform.js';
import { ConsoleRepl, type ReplOptions } from './repl.js';

export interface ConsoleDeps {
  redis: RedisClient;
  prefix: string;
  settings: Settings;
  interactions: Interactions;
  /** The terminal: what the REPL reads and writes. */
  io: Pick<ReplOptions, 'input' | 'output' | 'onExit' | 'intro'>;
}

export interface Console {
  platform: ConsolePlatform;
  /** Starts the REPL; returns what stops it. */
  start(): () => Promise<void>;
}

export function createConsole(deps: ConsoleDeps): Console {
  let repl: ConsoleRepl | undefined;
  const person = (user: string) => deps.settings.roster.byId(user);
  const platform = new ConsolePlatform({
    out: { print: (lines) => repl?.write(lines) },
    store: new RedisConsoleMessages(deps.redis, deps.prefix, CONSOLE_TENANT),
    name: (user) => person(user)?.name ?? user,
    zone: (user) => person(user)?.timezone,
  });
  return {
    platform,
    start() {
      repl = new ConsoleRepl({ ...deps.io, interactions: deps.interactions, settings: deps.settings, platform });
      repl.start();
      return async () => repl?.close();
    },
  };
}
