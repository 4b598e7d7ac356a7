/**
 * Helpdesk connectors (Zendesk first; Freshdesk and Intercom fit the same shape): a connector
 * takes one step at a time — one API request — from a saved state, and says what it learned.
 *
 * What it learns are *facts* kept by id (a ticket's first reply time, a rating), each counting on
 * one local date; seeing a ticket again replaces its fact, so nothing is ever counted twice. The
 * daily metric values are aggregates of the facts of a date (the median first reply, the share of
 * good ratings), recomputed whenever a fact of that date changes. A step's facts, the values and
 * the new state are saved in one transaction, so a restart resumes exactly where it stopped.
 *
 * The steps chain through one-off timers; a rate limit (429) waits the `Retry-After` the source
 * asked for; requests are spaced to the source's documented rate.
 */
import type { Clock, Timers } from '../ports.js';
import type { MetricPoint } from './model.js';

/** One thing a connector learned, kept until it changes. */
export interface Fact {
  /** The daily aggregate it feeds (`frt`, `created`, `csat`). */
  set: string;
  /** Its id at the source (a ticket id, a rating id). */
  id: string;
  /** The local date it counts on; null forgets it (a deleted ticket). */
  date: string | null;
  value: number;
  /** The department it counts for; the whole team when left out. */
  department?: string;
  /** How much it weighs in a `weighted` aggregate (the responses a poll's average is made of). */
  weight?: number;
}

/** How the facts of a set become one metric value per date. */
export interface Aggregate {
  set: string;
  metric: string;
  how: 'median' | 'mean' | 'weighted';
}

export interface StepResult {
  facts: Fact[];
  /** Values taken as they are (a backlog count at this moment). */
  points: MetricPoint[];
  /** The state the next step starts from (JSON). */
  state: unknown;
  /** How long until the next step: 0 for at once (more pages), longer once caught up. */
  nextInMs: number;
}

export interface Connector {
  /** The source name of its values (`zendesk`). */
  readonly source: string;
  readonly aggregates: readonly Aggregate[];
  /**
   * Takes one step from the saved state (undefined the first time). Throws ConnectorRateLimited
   * (wait and retry), ConnectorRefused (credentials or settings are wrong: retried slowly) or
   * anything else for a transient failure (retried with backoff).
   */
  step(state: unknown, now: Date): Promise<StepResult>;
}

/** The source asked to slow down: try again after `retryAfterMs`. */
export class ConnectorRateLimited extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
    this.name = 'ConnectorRateLimited';
  }
}

/** The source refused the request for a reason retrying soon cannot fix (credentials, permissions, a wrong URL). */
export class ConnectorRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectorRefused';
  }
}

/** A connector's progress as saved. */
export interface SavedConnector {
  /** Increases with every step applied: a timer for an older version is stale. */
  version: number;
  state: unknown;
  /** When the next step is due (ms). */
  nextAt: number;
  /** When the last request was made (ms), for spacing requests. */
  lastRequestAt: number;
  /** Why the last step was refused, until one succeeds. */
  problem?: string;
}

/** Where connectors keep their state and facts (Redis implements it). */
export interface ConnectorStore {
  load(source: string): Promise<SavedConnector | undefined>;
  /** Takes the source's step lock; resolves to its release, or undefined when another step holds it. */
  lock(source: string, ms: number): Promise<(() => Promise<void>) | undefined>;
  /**
   * In one transaction: replaces facts by (set, id), recomputes the aggregates of every date whose
   * facts changed into metric values of `source`, writes `points`, and saves `saved`.
   */
  apply(source: string, aggregates: readonly Aggregate[], step: Pick<StepResult, 'facts' | 'points'>, saved?: SavedConnector): Promise<void>;
  /** Saves the state alone (after a rate limit or a refusal). */
  save(source: string, saved: SavedConnector): Promise<void>;
}

export const SYNC_TIMER = 'connector.sync';
/** A step takes one request (its client times out well within this). */
const LOCK_MS = 90_000;
/** A refused step (bad credentials) is tried again this much later. */
export const REFUSED_RETRY_MS = 15 * 60_000;
/** A chain whose next step is this overdue has stopped (its timer failed for good): upkeep restarts it. */
export const STALLED_AFTER_MS = 3 * 60_000;

export interface SyncDeps {
  connector: Connector;
  store: ConnectorStore;
  timers: Timers;
  clock: Clock;
  /** The least time between two requests (60 s / the source's requests per minute). */
  minIntervalMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** Runs one connector's chain of steps. */
export class ConnectorSync {
  constructor(private readonly deps: SyncDeps) {}

  get source(): string {
    return this.deps.connector.source;
  }

  private async schedule(version: number, at: number): Promise<void> {
    const { source } = this;
    await this.deps.timers.schedule(`conn-${source}-v${version}-${at}`, new Date(at), { kind: SYNC_TIMER, tenant: 'org', source, version });
  }

  /** The timer of step `version` fired. */
  async run(version: number): Promise<void> {
    const { store, connector, clock, minIntervalMs } = this.deps;
    const unlock = await store.lock(this.source, LOCK_MS);
    if (!unlock) return; // another process runs a step; it schedules the next one
    try {
      const saved: SavedConnector = (await store.load(this.source)) ?? { version: 0, state: undefined, nextAt: 0, lastRequestAt: 0 };
      if (saved.version !== version) return; // a stale or duplicate timer: that step was taken
      const now = clock.now().getTime();
      const due = Math.max(saved.nextAt, saved.lastRequestAt + minIntervalMs);
      if (due > now) return await this.schedule(version, due);
      let result: StepResult;
      try {
        result = await connector.step(saved.state, new Date(now));
      } catch (error) {
        if (error instanceof ConnectorRateLimited) {
          // Retry-After counts from the answer, not from when the request was sent.
          const at = clock.now().getTime() + error.retryAfterMs;
          this.deps.log('warn', `${this.source}: rate limited; waiting ${Math.ceil(error.retryAfterMs / 1000)} s as asked`, { source: this.source });
          await store.save(this.source, { ...saved, nextAt: at, lastRequestAt: now });
          return await this.schedule(version, at);
        }
        if (error instanceof ConnectorRefused) {
          const at = now + REFUSED_RETRY_MS;
          this.deps.log('error', `${this.source}: ${error.message}; trying again in ${REFUSED_RETRY_MS / 60_000} min`, { source: this.source });
          await store.save(this.source, { ...saved, nextAt: at, lastRequestAt: now, problem: error.message });
          return await this.schedule(version, at);
        }
        // Transient: the timer retries with backoff (still spaced by lastRequestAt); upkeep restarts a chain that stopped.
        await store.save(this.source, { ...saved, lastRequestAt: now, problem: error instanceof Error ? error.message : String(error) });
        throw error;
      }
      const next: SavedConnector = { version: version + 1, state: result.state, lastRequestAt: now, nextAt: now + result.nextInMs };
      await store.apply(this.source, connector.aggregates, result, next);
      await this.schedule(next.version, Math.max(next.nextAt, now + minIntervalMs));
    } finally {
      await unlock();
    }
  }

  /** Upkeep: starts the chain the first time, and restarts it when its next step is long overdue. */
  async ensureRunning(): Promise<void> {
    const saved = await this.deps.store.load(this.source);
    const now = this.deps.clock.now().getTime();
    if (saved && saved.nextAt + STALLED_AFTER_MS > now) return;
    if (saved) this.deps.log('warn', `${this.source}: the import had stopped; starting it again`, { source: this.source, problem: saved.problem });
    else await this.deps.store.save(this.source, { version: 0, state: undefined, nextAt: now, lastRequestAt: 0 });
    await this.schedule(saved?.version ?? 0, now);
  }
}
