/** The producer side of the outbox: the core's `Outbox` port on a BullMQ queue. */
import type { JobsOptions } from 'bullmq';
import type { Delivery } from '../../chat/delivery.js';
import type { PlatformKind } from '../../chat/message.js';
import type { PacingRules } from '../../chat/platform.js';
import type { Outbox } from '../../core/ports.js';
import type { Queues } from '../queues.js';
import { reservable, type OutboxGate } from './gate.js';

/**
 * BullMQ takes jobs without a priority before prioritized ones, so interactive deliveries skip
 * ahead of a bulk backlog in the queue too, not only in pacing (gate-script.ts).
 */
const BULK_PRIORITY = 1;

/** Reserving send times as deliveries are queued: the gate, and each platform's limits. */
export interface QueueReservations {
  gate: OutboxGate;
  pacing: (kind: PlatformKind) => PacingRules | undefined;
}

export class QueueOutbox implements Outbox {
  constructor(
    private readonly queues: Queues,
    /** When given, a delivery that must wait is queued delayed to its reserved slot and runs
     * once; without, the worker reserves on its first run (and runs again at the slot). */
    private readonly reservations?: QueueReservations,
  ) {}

  /** Reserves the slots of the reservable deliveries: idempotency key → ms to wait. */
  private async reserve(deliveries: Delivery[]): Promise<Map<string, number>> {
    const waits = new Map<string, number>();
    if (!this.reservations) return waits;
    const groups = new Map<string, { pacing: PacingRules; deliveries: Delivery[] }>();
    for (const d of deliveries) {
      const pacing = this.reservations.pacing(d.platform);
      if (!pacing || !reservable(d, pacing)) continue;
      const group = `${d.tenant} ${d.platform}`;
      const found = groups.get(group) ?? { pacing, deliveries: [] };
      found.deliveries.push(d);
      groups.set(group, found);
    }
    for (const { pacing, deliveries: batch } of groups.values()) {
      const reserved = await this.reservations.gate.reserve((batch[0] as Delivery).tenant, batch, pacing);
      for (const [key, ms] of reserved) waits.set(key, ms);
    }
    return waits;
  }

  async enqueue(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    // Validated first: a bad delivery is refused before anything is reserved or queued.
    const valid = deliveries.map((d) => this.queues.parse('outbox', d));
    const waits = await this.reserve(valid);
    // The idempotency key is the job id: BullMQ ignores a second add while the job exists, and
    // the delivery log skips keys delivered before.
    await this.queues.addParsed(
      'outbox',
      valid.map((d) => {
        const opts: JobsOptions = { jobId: d.key };
        if (d.priority === 'bulk') opts.priority = BULK_PRIORITY;
        const wait = waits.get(d.key) ?? 0;
        if (wait > 0) opts.delay = wait;
        return { name: d.target.kind, data: d, opts };
      }),
    );
  }
}
