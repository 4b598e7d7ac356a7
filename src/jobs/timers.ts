/** The core's `Timers` port on the `timers` queue: delayed jobs with deterministic ids. */
import type { Clock, TimerPayload, Timers } from '../core/ports.js';
import type { Queues } from './queues.js';

export class QueueTimers implements Timers {
  constructor(
    private readonly queues: Queues,
    private readonly clock: Clock,
  ) {}

  async schedule(id: string, at: Date, payload: TimerPayload): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    await this.queues.add('timers', payload.kind, payload, { jobId: id, delay });
  }

  async cancel(ids: string[]): Promise<void> {
    const queue = this.queues.get('timers');
    await Promise.all(
      ids.map(async (id) => {
        // A timer that is already running cannot be removed; its processor re-checks the record.
        await queue.remove(id).catch(() => undefined);
      }),
    );
  }
}
