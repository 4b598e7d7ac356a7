/**
 * How fast Shiftlead may send on each platform, in one place, each number with its source. The
 * outbox reserves every message's send time against these buckets (`capacity` sends at once,
 * then `perSecond`), per conversation and per tenant, across every worker process
 * (src/jobs/outbox/gate.ts).
 */
import type { PacingRules } from '../chat/platform.js';

/**
 * Slack. Per channel (and per DM): chat.postMessage "generally allows posting one message per
 * second per channel", "short bursts >1 allowed" — 3 at once, then 1 a second. Per workspace:
 * "several hundred messages per minute" (java-slack-sdk MethodsRateLimitTier) — 20 at once, then
 * 1.5 a second (90 a minute), well inside it because chat.update (Tier 3, 50+ a minute) shares
 * the bucket. Source: ../shared/reference/slack.md §4, docs.slack.dev/apis/web-api/rate-limits.
 */
export const SLACK_PACING: PacingRules = {
  conversation: [{ capacity: 3, perSecond: 1 }],
  tenant: [{ capacity: 20, perSecond: 1.5 }],
};

/**
 * Microsoft Teams. Per bot and conversation: 7 sends a second, 8 in 2 s, 60 in 30 s, 1,800 an
 * hour — 7 at once then 1 a second keeps every short window; 30 at once then 0.49 a second
 * keeps the hourly one. Per app and tenant: 30 requests a second in the msteams-docs copy (50 in
 * a later Microsoft Q&A answer) — 15 at once, then 15 a second. Source:
 * ../shared/reference/teams.md §6, msteams-docs bots/how-to/rate-limit.md.
 */
export const TEAMS_PACING: PacingRules = {
  conversation: [
    { capacity: 7, perSecond: 1 },
    { capacity: 30, perSecond: 0.49 },
  ],
  tenant: [{ capacity: 15, perSecond: 15 }],
};

/** The terminal console has no rate limits. */
export const CONSOLE_PACING: PacingRules = { conversation: [], tenant: [] };
