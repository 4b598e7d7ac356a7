/**
 * A Redis outage, told once: when it starts, once a minute while it lasts, and when Redis is back —
 * instead of every failed reconnect of every connection and worker (several lines a second, with
 * stack traces). An error is taken for an outage only when Redis also fails a PING of its own, so
 * a connection that is late to reconnect after Redis came back is not a new outage.
 */
import { formatDuration } from '../config/duration.js';
import type { Clock } from '../core/ports.js';
import type { Logger } from '../log.js';
import type { RedisTarget } from '../config/redis-target.js';
import { isRedisConnectionError, redisAnswers } from './redis.js';

export interface RedisOutageOptions {
  /** The Redis to PING (its URL is never logged: the password could be in it). */
  target: RedisTarget | string;
  log: Logger;
  clock: Clock;
  /** How often the outage is told again while it lasts (default a minute). */
  remindEveryMs?: number;
  /** How often Redis is asked whether it is back (default every second). */
  probeEveryMs?: number;
}

export class RedisOutage {
  private state: 'up' | 'checking' | 'down' | 'stopped' = 'up';
  private since = 0;
  private lastTold = 0;
  private reason = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RedisOutageOptions) {}

  private now(): number {
    return this.options.clock.now().getTime();
  }

  /**
   * An error from a connection or a worker. Returns true when it means Redis cannot be reached
   * (the outage reports it), false for any other error (the caller logs it).
   */
  readonly failed = (error: unknown): boolean => {
    if (!isRedisConnectionError(error)) return false;
    this.reason = (error as Error).message.split('\n')[0] ?? 'unreachable';
    if (this.state === 'up') {
      this.state = 'checking';
      void this.confirm();
    } else if (this.state === 'down') {
      this.remind();
    }
    return true;
  };

  private async confirm(): Promise<void> {
    if (await redisAnswers(this.options.target, 1_000)) {
      if (this.state === 'checking') this.state = 'up';
      return;
    }
    if (this.state !== 'checking') return;
    this.state = 'down';
    this.since = this.lastTold = this.now();
    this.options.log.error(`Redis is unreachable (${this.reason}); Shiftlead keeps retrying and will say when it is back`);
    this.probe();
  }

  private remind(): void {
    const now = this.now();
    if (now - this.lastTold < (this.options.remindEveryMs ?? 60_000)) return;
    this.lastTold = now;
    this.options.log.error(`Redis is still unreachable after ${formatDuration(now - this.since)} (${this.reason}); retrying`);
  }

  private probe(): void {
    this.timer = setTimeout(() => {
      void redisAnswers(this.options.target, 1_000).then((up) => {
        if (this.state !== 'down') return;
        if (!up) {
          this.remind();
          return this.probe();
        }
        this.state = 'up';
        this.options.log.warn(`Redis is reachable again, after ${formatDuration(this.now() - this.since)} without it`);
      });
    }, this.options.probeEveryMs ?? 1_000);
    this.timer.unref();
  }

  /** Stops probing (shutdown). */
  stop(): void {
    this.state = 'stopped';
    clearTimeout(this.timer);
  }
}
