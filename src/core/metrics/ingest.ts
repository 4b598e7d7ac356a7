/**
 * Metric values coming in through a door (the HTTP API, a CSV file): checked all or nothing
 * against the configuration in force, then written in one step.
 */
import type { Clock } from '../ports.js';
import { localDate } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import { checkBatch, type InputContext, type ItemProblem, type MetricPoint } from './model.js';
import type { MetricStore } from './ports.js';

export type IngestResult = { ok: true; written: number } | { ok: false; problems: ItemProblem[] };

export class MetricsIngest {
  constructor(private readonly deps: { store: MetricStore; settings: Settings; clock: Clock }) {}

  /** What items are checked against now. */
  context(defaultSource: string): InputContext {
    const config = this.deps.settings.config;
    return { today: localDate(this.deps.clock.now(), config.organization.timezone), departments: config.departments.map((d) => d.id), defaultSource };
  }

  /** Checks every item against the configuration in force. `indexOf` maps a position to what the sender calls it (a CSV line). */
  check(items: readonly unknown[], defaultSource: string, indexOf?: (i: number) => number): ReturnType<typeof checkBatch> {
    return checkBatch(items, this.context(defaultSource), indexOf);
  }

  /** Writes checked points in one step. */
  write(points: MetricPoint[]): Promise<number> {
    return this.deps.store.put(points);
  }

  /** Checks every item; writes all of them, or none and says why. */
  async accept(items: readonly unknown[], defaultSource: string, indexOf?: (i: number) => number): Promise<IngestResult> {
    const checked = this.check(items, defaultSource, indexOf);
    if (!checked.ok) return checked;
    return { ok: true, written: await this.write(checked.points) };
  }
}
