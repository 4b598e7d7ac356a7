/**
 * Extension points for what people see at a glance: a briefing's "Needs attention" and each
 * person's Home page (Slack App Home, the Teams personal chat, the console's /home). Features add
 * to them through their `Feature` (`briefing`, `home`); the metrics feature draws both.
 *
 * - The shifts feature adds "who is on shift today" and "a handoff not acknowledged" to briefings
 *   (a BriefingSection), and "your next shift" / "a handoff waiting for you" to Home.
 * - Polls and pulses add "a poll waiting for your answer" to Home.
 * - The shifts feature adds "handoffs acknowledged in time" to the weekly report (a ReportSection).
 */
import type { Block, PlatformKind } from '../chat/message.js';
import type { Person } from '../config/team-config-schema.js';

/** What a briefing covers, for the features that add lines to it. */
export interface BriefingContext {
  briefingId: string;
  /** The departments it covers; undefined for the whole team. */
  departments: readonly string[] | undefined;
  /** The local date it reports on (the day before it is posted). */
  date: string;
  /** The local date it is posted on. */
  postedOn: string;
  /** The briefing's time zone. */
  zone: string;
  now: Date;
}

/** A feature's lines in a briefing's "Needs attention" (neutral markup; [] for nothing). */
export interface BriefingSection {
  /** A short name for logs. */
  name: string;
  lines(context: BriefingContext): Promise<string[]>;
}

/** The week a weekly report covers, for the features that add lines to it. */
export interface ReportContext {
  /** Local dates [from, to] in `zone`, Monday to Sunday. */
  from: string;
  to: string;
  zone: string;
  now: Date;
}

/** A feature's lines in the weekly report (neutral markup; [] for nothing), e.g. handoffs acknowledged in time. */
export interface ReportSection {
  name: string;
  lines(context: ReportContext): Promise<string[]>;
}

/** Who is looking at their Home page. */
export interface Viewer {
  platform: PlatformKind;
  tenant: string;
  /** The platform's user id. */
  user: string;
  /** The roster person, when the user is in it. */
  person?: Person;
}

/** A part of the Home page. Sections are drawn in `order`; each must answer quickly (the page waits for all). */
export interface HomeSection {
  name: string;
  /** Lower first: KPIs 10, escalations 20, shifts 30, polls 40. */
  order: number;
  /** The blocks for this viewer, or [] to show nothing. Buttons work as anywhere else. */
  blocks(viewer: Viewer, now: Date): Promise<Block[]>;
}
