/**
 * The morning briefing: a schedule kind of the one schedule engine (each briefing at `at` in its
 * zone on its days, exactly once per local date; late within `lateWithin` → posted marked late,
 * after that skipped and logged by the engine), `/briefing [id]` to see one now, privately, and
 * the notice to managers when a briefing's channel cannot be posted in.
 */
import { createHash } from 'node:crypto';
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type Message, type PlatformKind } from '../../chat/message.js';
import type { BriefingConfig } from '../../config/team-config-schema.js';
import type { BriefingContext, BriefingSection } from '../glance.js';
import type { Actor, Answer } from '../interactions.js';
import type { Clock, Outbox } from '../ports.js';
import type { Reach } from '../reach.js';
import type { Occurrence, ScheduleKind } from '../schedule/schedule.js';
import { addDays, dailyOccurrences, localClock, localDate, parseClockTime, weekdayOf } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import { attentionLines, openEscalations } from './attention.js';
import { briefingMessage, type BriefingData, type BriefingPart } from './briefing-message.js';
import { trendChart, type ChartScope } from './charts.js';
import { ScopeValues, window } from './kpis.js';
import { KPIS, OWN_METRICS, TEAM } from './model.js';
import type { OwnRecords } from './own-records.js';
import type { EscalationReader, MetricStore } from './ports.js';

export const BRIEFING_KIND = 'briefing';
const DEFAULT_LATE_MS = 2 * 3600_000;
/** A channel that cannot be posted in is reported to the managers once per this long. */
const NOTICE_EVERY_MS = 30 * 24 * 3600_000;

/** Deliveries the outbox gave up on, as the briefing feature needs to see them. */
export interface BriefingNotices {
  /** Briefing deliveries of a tenant that failed for good (their idempotency key and why). */
  failures(tenant: string): Promise<Array<{ key: string; code: string; message: string }>>;
  /** True for the one caller that claims `marker` first (again after `ttlMs`). */
  claim(marker: string, ttlMs: number): Promise<boolean>;
}

export interface BriefingsDeps {
  settings: Settings;
  store: MetricStore;
  reader: EscalationReader;
  own: OwnRecords;
  outbox: Outbox;
  reach: Reach;
  clock: Clock;
  notices: BriefingNotices;
  /** Other features' "Needs attention" lines (shifts: who is on shift, a handoff not acknowledged). */
  sections: () => readonly BriefingSection[];
  log: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
  /** Counts a briefing that could not be delivered. */
  onUndeliverable?: (platform: PlatformKind) => void;
  /** Counts a briefing skipped because it fired after its late window. */
  onSkipped?: () => void;
}

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });
const compact = (date: string) => date.replace(/-/g, '');

/** Queued a few hundred at a time: one addBulk each. */
const ENQUEUE_BATCH = 500;

/** The occurrence item of a moment: its zone and time, e.g. `Europe_Lisbon-0830`. */
export function momentItem(zone: string, at: string): string {
  return `${zone.replace(/[^A-Za-z0-9]+/g, '_')}-${at.replace(':', '')}-${createHash('sha1').update(zone).digest('hex').slice(0, 6)}`;
}

/** The outbox key of a briefing's post on a platform for a local date. */
export function briefingKey(id: string, date: string, platform: PlatformKind): string {
  return `brf-${id}-${compact(date)}-${platform}`;
}

/** Inputs many briefings of one minute share (the same days, the same open escalations) are read once per this long. */
const SHARED_MS = 10_000;

export class Briefings {
  private readonly shared = new Map<string, { until: number; value: Promise<unknown> }>();
  /** The briefings in force by id, and by moment (zone and time of day), rebuilt after a reload. */
  private readonly byId: () => Map<string, BriefingConfig>;
  private readonly moments: () => Map<string, { item: string; zone: string; at: string; briefings: BriefingConfig[] }>;

  constructor(private readonly deps: BriefingsDeps) {
    this.byId = deps.settings.derive((s) => new Map(s.config.briefings.map((b) => [b.id, b])));
    this.moments = deps.settings.derive((s) => {
      const out = new Map<string, { item: string; zone: string; at: string; briefings: BriefingConfig[] }>();
      for (const b of s.config.briefings) {
        const item = momentItem(b.timezone, b.at);
        const m = out.get(item) ?? { item, zone: b.timezone, at: b.at, briefings: [] };
        m.briefings.push(b);
        out.set(item, m);
      }
      return out;
    });
  }

  /** Reads an input once for every briefing that needs it within SHARED_MS (10,000 briefings due in one minute read it once). */
  private once<T>(key: string, now: number, read: () => Promise<T>): Promise<T> {
    for (const [k, v] of this.shared) if (v.until <= now) this.shared.delete(k);
    const hit = this.shared.get(key);
    if (hit) return hit.value as Promise<T>;
    const value = read();
    this.shared.set(key, { until: now + SHARED_MS, value });
    // A failed read is not kept.
    value.catch(() => this.shared.delete(key));
    return value;
  }

  private briefing(id: string): BriefingConfig | undefined {
    return this.byId().get(id);
  }

  private departmentName = (id: string): string => (id === TEAM ? this.deps.settings.config.organization.name : (this.deps.settings.config.departments.find((d) => d.id === id)?.name ?? id));

  /** Everything a briefing shows, for the day before `postedOn`. */
  async data(b: BriefingConfig, postedOn: string, now: Date): Promise<BriefingData> {
    const t = this.deps.clock.now().getTime();
    // Briefings of one minute over the same departments share their numbers: computed once.
    const shared = await this.once(`data|${(b.departments ?? []).join(',')}|${postedOn}`, t, () => this.numbers(b.departments, postedOn, now, t));
    const context: BriefingContext = { briefingId: b.id, departments: b.departments, date: shared.date, postedOn, zone: b.timezone, now };
    const attention = [...shared.attention];
    for (const section of this.deps.sections()) {
      try {
        attention.push(...(await section.lines(context)));
      } catch (error) {
        this.deps.log('warn', `the ${section.name} lines of a briefing failed; it goes out without them`, { err: error, briefing: b.id });
      }
    }
    return { id: b.id, postedOn, date: shared.date, zone: b.timezone, parts: shared.parts, charts: shared.charts, attention };
  }

  /** The numbers, charts and escalations of some departments (undefined: the team) for the day before `postedOn`. */
  private async numbers(scope: readonly string[] | undefined, postedOn: string, now: Date, t: number): Promise<Pick<BriefingData, 'date' | 'parts' | 'charts' | 'attention'>> {
    const { settings, store } = this.deps;
    const targets = settings.config.targets;
    const date = addDays(postedOn, -1);
    const days = window(date);
    await this.once('own', t, () => this.deps.own.ensureFresh(undefined, 'own-briefing'));
    const departments = scope ?? [TEAM];
    const points = await store.read(departments, days);
    const scopes: ChartScope[] = departments.map((d) => ({ name: this.departmentName(d), values: new ScopeValues(points.filter((p) => p.department === d)) }));
    const anyHas = (metric: string) => scopes.some((s) => s.values.has(metric, days));
    const kpis: string[] = [...KPIS];
    if (anyHas('csatGood') || targets.csatGood !== undefined) kpis.splice(1, 0, 'csatGood');
    const parts: BriefingPart[] = scopes.map((s) => ({
      name: s.name,
      kpis: kpis.map((m) => s.values.kpi(m, date, targets)),
      escalations: OWN_METRICS.filter((m) => m !== 'slaBreaches').map((m) => s.values.kpi(m, date, targets, 'shiftlead')),
      custom: s.values.custom(days).map((m) => s.values.kpi(m, date, targets)),
    }));
    const csat = anyHas('csat') || !anyHas('csatGood') ? 'csat' : 'csatGood';
    const charts = [
      trendChart({ metric: csat, title: `${csat === 'csat' ? 'CSAT' : 'CSAT (good)'}, last ${days.length} days`, scopes, days, target: targets[csat] }),
      trendChart({ metric: 'firstResponseMinutes', title: `First response, last ${days.length} days`, scopes, days, target: targets.firstResponseMinutes }),
    ];
    const open = (await this.once('open', t, () => openEscalations(this.deps.reader, undefined))).filter((e) => !scope || scope.includes(e.department));
    return { date, parts, charts, attention: attentionLines(open, now, this.departmentName) };
  }

  /**
   * The schedule kind the engine plans and fires. Briefings due at the same local time in the same
   * zone are one occurrence (a "moment"): 10,000 channel briefings at 08:30 Lisbon are one job that
   * computes each set of numbers once and queues the posts in batches, instead of 10,000 jobs.
   * Each briefing keeps its own days, its own late window and its own delivery keys.
   */
  kind(): ScheduleKind {
    return {
      kind: BRIEFING_KIND,
      late: { kind: 'mark', withinMs: (o) => Math.max(DEFAULT_LATE_MS, ...this.moment(o).map((b) => b.lateWithin)) },
      occurrences: async (from, to) =>
        [...this.moments().values()].flatMap((m) => {
          const days = [...new Set(m.briefings.flatMap((b) => b.days))];
          return dailyOccurrences({ at: parseClockTime(m.at), zone: m.zone, days }, from, to).map((x): Occurrence => ({ kind: BRIEFING_KIND, item: m.item, date: x.date, at: x.at }));
        }),
      fire: (o, firing) => this.fireMoment(o, firing.now, firing.lateMs, firing.markedLate),
    };
  }

  /** The briefings due at one occurrence's moment, on its local date's weekday. */
  private moment(o: Occurrence): BriefingConfig[] {
    const day = weekdayOf(o.date);
    return (this.moments().get(o.item)?.briefings ?? []).filter((b) => b.days.includes(day));
  }

  /** Posts every briefing of a moment (idempotent: each delivery's key derives from its briefing and date). */
  private async fireMoment(o: Occurrence, now: Date, lateMs: number, late: boolean): Promise<void> {
    const due = this.moment(o).filter((b) => {
      if (lateMs <= b.lateWithin) return true;
      this.deps.log('info', 'a briefing fired too late to be useful; skipped', { briefing: b.id, date: o.date, lateMs });
      this.deps.onSkipped?.();
      return false;
    });
    // Where the organization is on each platform, looked up once for the whole moment.
    const tenants = await this.deps.reach.channels({ slack: '-', teams: '-', console: '-' });
    for (let i = 0; i < due.length; i += ENQUEUE_BATCH) {
      const batch = await Promise.all(due.slice(i, i + ENQUEUE_BATCH).map((b) => this.deliveries(b, o.date, o.at, now, late, tenants)));
      await this.deps.outbox.enqueue(batch.flat());
    }
  }

  private async deliveries(b: BriefingConfig, date: string, at: Date, now: Date, late: boolean, tenants: ReadonlyArray<{ platform: PlatformKind; tenant: string }>): Promise<Delivery[]> {
    const data = await this.data(b, date, now);
    if (late) data.late = { dueAt: localClock(at, b.timezone) };
    const message = briefingMessage(data);
    const addresses = tenants.flatMap((t) => (b.channels[t.platform] ? [{ ...t, conversation: b.channels[t.platform] as string }] : []));
    if (addresses.length === 0) this.deps.log('warn', 'a briefing has no channel Shiftlead can reach yet; nothing posted', { briefing: b.id });
    // Bulk: briefings go out to many channels at once and nobody waits for them; interactive traffic goes first.
    return addresses.map((a) => ({ key: briefingKey(b.id, date, a.platform), tenant: a.tenant, platform: a.platform, target: { kind: 'conversation', conversation: a.conversation }, message, priority: 'bulk' }));
  }

  /** `/briefing [id]`: a briefing as it would be posted now, only to the person asking. */
  async preview(_actor: Actor, text: string): Promise<Answer> {
    const all = this.deps.settings.config.briefings;
    if (all.length === 0) return { reply: say('No briefings are set up yet: add one under **briefings:** in shiftlead.yaml (see shiftlead.example.yaml).') };
    const id = text.trim();
    const b = id ? all.find((x) => x.id === id) : all[0];
    if (!b) return { reply: say(`There is no briefing "${escapeText(id)}". Briefings: ${all.map((x) => x.id).join(', ')}.`) };
    const now = this.deps.clock.now();
    const data = await this.data(b, localDate(now, b.timezone), now);
    const where = [b.channels.slack, b.channels.teams, b.channels.console].filter(Boolean).join(', ');
    const others = all.filter((x) => x.id !== b.id).map((x) => x.id);
    return {
      reply: briefingMessage(data, {
        intro: `👀 Only you see this: the briefing as it would be posted now. It goes to ${escapeText(where || 'no channel')} at ${b.at} (${b.timezone}) on ${b.days.join(', ')}.`,
        ...(others.length > 0 ? { footer: `other briefings: ${others.join(', ')} (/briefing <id>)` } : {}),
      }),
    };
  }

  /**
   * Upkeep: a briefing the outbox could not deliver (the bot is not in the channel, the channel is
   * archived or gone, Teams answers 403/404) is logged, counted, and its briefing's managers are
   * told once; the other briefings went out on their own.
   */
  async noticeUndeliverable(): Promise<void> {
    const { settings, reach, notices } = this.deps;
    for (const b of settings.config.briefings) {
      for (const address of await reach.channels(b.channels)) {
        const pattern = new RegExp(`^brf-${b.id.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}-\\d{8}-${address.platform}$`);
        const failed = (await notices.failures(address.tenant)).filter((f) => pattern.test(f.key));
        const latest = failed.sort((x, y) => y.key.localeCompare(x.key))[0];
        if (!latest) continue;
        const marker = `${b.id}|${address.platform}|${address.conversation}`;
        if (!(await notices.claim(marker, NOTICE_EVERY_MS))) continue;
        this.deps.log('warn', 'a briefing could not be posted in its channel; telling the managers', { briefing: b.id, platform: address.platform, conversation: address.conversation, code: latest.code });
        this.deps.onUndeliverable?.(address.platform);
        await this.tellManagers(b, address.platform, address.conversation, latest);
      }
    }
  }

  private async tellManagers(b: BriefingConfig, platform: PlatformKind, conversation: string, failure: { code: string; message: string }): Promise<void> {
    const config = this.deps.settings.config;
    const named = (b.departments ?? config.departments.map((d) => d.id)).flatMap((id) => config.departments.find((d) => d.id === id)?.managers ?? []);
    const ids = named.length > 0 ? [...new Set(named)] : config.people.filter((p) => p.role === 'manager').map((p) => p.id);
    const where = platform === 'slack' ? 'Slack' : platform === 'teams' ? 'Teams' : 'the console';
    const fix =
      failure.code === 'not_in_channel' ? 'Invite Shiftlead to the channel (/invite @Shiftlead).'
      : failure.code === 'conversation_not_found' ? 'The channel is archived or gone: fix briefings → channels in shiftlead.yaml.'
      : failure.code === 'blocked' ? 'Add the Shiftlead app to the team that owns the channel.'
      : 'Check the channel in briefings → channels in shiftlead.yaml.';
    const text = `⚠️ The briefing **${escapeText(b.id)}** could not be posted in ${escapeText(conversation)} on ${where} (${escapeText(failure.code)}). ${fix} The other briefings still go out; Shiftlead tells you about this channel once.`;
    const tag = createHash('sha1').update(`${b.id}|${platform}|${conversation}`).digest('hex').slice(0, 16);
    const deliveries: Delivery[] = [];
    for (const id of ids) {
      const person = this.deps.reach.byId(id);
      const address = person && (await this.deps.reach.person(person));
      if (address) deliveries.push({ key: `brf-undeliverable-${tag}-${id}-${compact(localDate(this.deps.clock.now(), config.organization.timezone))}`, tenant: address.tenant, platform: address.platform, target: { kind: 'dm', user: address.user }, message: say(text) });
    }
    await this.deps.outbox.enqueue(deliveries);
  }
}
