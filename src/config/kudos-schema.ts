/**
 * The team configuration's `kudos:` key: where public thank-yous go and how many one person may
 * give a day.
 *
 *   kudos:
 *     channel: { slack: C0KUDOS, teams: "19:kudos@thread.tacv2", console: "#kudos" }
 *     maxPerDay: 5
 */
import { z } from 'zod';
import { Channels } from './config-types.js';

export const Kudos = z.strictObject({
  /** Where the public thank-you is posted, per platform; left out, in the channel where it was given. */
  channel: Channels.optional(),
  /** How many kudos one person may give per day (their own calendar day). */
  maxPerDay: z.number().int().min(1).max(50).default(5),
});
export type KudosConfig = z.infer<typeof Kudos>;
