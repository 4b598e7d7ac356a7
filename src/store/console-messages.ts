/**
 * The console's printed messages in Redis: ids unique per Redis (`m1`, `m2`, … across restarts),
 * and each message's buttons, so that `press m4 ack` and `press ESC-3 ack` work after a restart.
 */
import type { RedisClient } from './redis.js';
import type { ConsoleMessages, PrintedMessage } from '../platforms/console/console-platform.js';
import { tenantKeys } from './keys.js';

/** How many messages a handle remembers (the newest). */
const PER_HANDLE = 10;

const ADD_HANDLE = `
-- KEYS[1] console:handles  ARGV[1] handle  ARGV[2] message id  ARGV[3] how many to keep
local ids = cjson.decode(redis.call('HGET', KEYS[1], ARGV[1]) or '[]')
local kept = {}
for _, id in ipairs(ids) do if id ~= ARGV[2] then kept[#kept + 1] = id end end
kept[#kept + 1] = ARGV[2]
while #kept > tonumber(ARGV[3]) do table.remove(kept, 1) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(kept))
return #kept
`;

export class RedisConsoleMessages implements ConsoleMessages {
  private readonly keys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    tenant: string,
  ) {
    this.keys = tenantKeys(prefix, tenant);
  }

  async nextId(): Promise<string> {
    return `m${await this.redis.incr(this.keys.consoleSeq)}`;
  }

  async save(message: PrintedMessage): Promise<void> {
    await this.redis.hset(this.keys.consoleMessages, message.id, JSON.stringify(message));
    for (const handle of new Set(message.buttons.map((b) => b.value))) {
      if (handle) await this.redis.eval(ADD_HANDLE, 1, this.keys.consoleHandles, handle, message.id, PER_HANDLE);
    }
  }

  async get(id: string): Promise<PrintedMessage | undefined> {
    const json = await this.redis.hget(this.keys.consoleMessages, id);
    return json ? (JSON.parse(json) as PrintedMessage) : undefined;
  }

  async byHandle(handle: string): Promise<PrintedMessage[]> {
    const ids = JSON.parse((await this.redis.hget(this.keys.consoleHandles, handle)) ?? '[]') as string[];
    const found = await Promise.all(ids.reverse().map((id) => this.get(id)));
    return found.filter((m): m is PrintedMessage => m !== undefined);
  }
}
