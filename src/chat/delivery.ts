/**
 * A delivery: one outgoing message as the core asks for it. The outbox turns each into a job whose
 * id is the delivery's idempotency `key`, so asking twice delivers once.
 */
import { z } from 'zod';
import { Message, PlatformKind } from './message.js';

/** Message keys name delivered messages so that later deliveries can reply to or update them. */
export const MessageKey = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'message keys are letters, digits, ".", "_" and "-"');

/** Idempotency keys become BullMQ job ids: no ":" and never all digits. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,250}$/, 'idempotency keys are letters, digits, ".", "_" and "-"')
  .refine((k) => !/^\d+$/.test(k), 'idempotency keys cannot be all digits');

export const DeliveryTarget = z.discriminatedUnion('kind', [
  /** A new message in a conversation (a channel, a chat). */
  z.strictObject({ kind: z.literal('conversation'), conversation: z.string().min(1) }),
  /** A reply in the thread of a platform message the bot did not send (the message someone escalated). */
  z.strictObject({ kind: z.literal('thread'), conversation: z.string().min(1), parent: z.string().min(1) }),
  /** A reply in the thread of a message delivered earlier. */
  z.strictObject({ kind: z.literal('reply'), to: MessageKey }),
  /** A new version of a message delivered earlier; older versions than the last one delivered are dropped. */
  z.strictObject({ kind: z.literal('update'), of: MessageKey, version: z.number().int().min(0) }),
  /** A direct message to a user (platform user id). */
  z.strictObject({ kind: z.literal('dm'), user: z.string().min(1) }),
  /** A message only one user sees, in a conversation. */
  z.strictObject({ kind: z.literal('whisper'), conversation: z.string().min(1), user: z.string().min(1) }),
]);
export type DeliveryTarget = z.infer<typeof DeliveryTarget>;

/**
 * Which line a delivery waits in when a platform's rate limit is the bottleneck.
 *
 * - `interactive` (the default): something a person is waiting for or must act on now — cards,
 *   confirmations, SLA reminders, handoffs. Goes first.
 * - `bulk`: traffic sent to many at once that nobody is waiting for — briefings, pulses, reports,
 *   nudges, reminder fan-outs. Uses whatever the interactive line leaves: an interactive message
 *   waits at most one pacing slot behind any number of bulk ones.
 */
export const DeliveryPriority = z.enum(['interactive', 'bulk']);
export type DeliveryPriority = z.infer<typeof DeliveryPriority>;

const DeliveryFields = {
  key: IdempotencyKey,
  tenant: z.string().regex(/^[A-Za-z0-9._-]+$/),
  platform: PlatformKind,
  target: DeliveryTarget,
  message: Message,
  /** Remember where this message landed, under this key, for replies, updates and links. */
  saveAs: MessageKey.optional(),
  /** `bulk` for fan-outs nobody is waiting for; absent means `interactive` (see `DeliveryPriority`). */
  priority: DeliveryPriority.optional(),
};

export const Delivery = z.strictObject({
  ...DeliveryFields,
  /**
   * Sent instead when this one fails for good because its person or conversation cannot be
   * reached (the bot is blocked, not installed for them, or the conversation is gone): e.g. a
   * mention in a channel for a DM that could not be delivered.
   */
  fallback: z.array(z.strictObject(DeliveryFields)).max(10).optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/** A link to a message delivered earlier, resolved by the outbox: `[label](ref:<message key>)`. */
export function messageLink(label: string, key: string): string {
  return `[${label}](ref:${key})`;
}
