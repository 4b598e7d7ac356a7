/** The building blocks of the team configuration's schema, shared by every feature's keys. */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseDuration } from './duration.js';

export const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, "-" or "_"');

/** Checking a zone builds an Intl formatter (slow): a roster names the same few zones many times. */
const zoneValidity = new Map<string, boolean>();
function isZone(tz: string): boolean {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) zoneValidity.set(tz, (valid = IANAZone.isValidZone(tz)));
  return valid;
}

export const TimeZone = z.string().refine((tz) => isZone(tz), {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IANA time zone (e.g. Europe/Berlin)`,
});

export const Duration = z
  .string({ error: 'must be a duration with its unit, e.g. 15m, 4h or 1h30m' })
  .transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a duration (e.g. 15m, 4h, 1h30m)` });
      return z.NEVER;
    }
    return ms;
  });

export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as 08:30');

export const Channels = z.strictObject({
  slack: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD').optional(),
  teams: z.string().regex(/^19:.+@thread\.(tacv2|skype)$/, 'must be a Teams channel id such as 19:abc@thread.tacv2').optional(),
  console: z.string().regex(/^#[a-z0-9_-]+$/, 'must be a name such as #support').optional(),
});

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { message: 'must be one of mon, tue, wed, thu, fri, sat, sun' });

/** A calendar date, `YYYY-MM-DD`. */
export const IsoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date such as 2026-11-30').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date');

/** A duration, or `off` (milliseconds, or null for off: undefined would let a default take its place). */
export const DurationOrOff = z
  .string({ error: 'must be a duration with its unit (e.g. 60m) or off' })
  .transform((text, ctx) => {
    if (text.trim().toLowerCase() === 'off') return null;
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a duration (e.g. 15m, 1h) or off` });
      return z.NEVER;
    }
    return ms;
  });
