/** The producer side of the outbox: the core's `Outbox` port on a BullMQ queue. */
import type { Delivery } from '../../chat/delivery.js';
import type { Outbox } from '../../core/ports.js';
import type { Queues } from '../queues.js';

export class QueueOutbox implements Outbox {
  constructor(private readonly queues: Queues) {}

  async enqueue(deliveries: Delivery[]): Promise<void> {
    // The idempotency key is the job id: BullMQ ignores a second add while the job exists, and
    // the delivery log skips keys delivered before.
    await this.queues.addBulk(
      'outbox',
      deliveries.map((d) => ({ name: d.target.kind, data: d, opts: { jobId: d.key } })),
    );
  }
}
