/**
 * Each person's page at a glance: the Slack App Home, a card in the Teams personal chat that
 * refreshes itself when opened, `/home` on the console. It is made of sections (src/core/glance.ts):
 * this feature's (yesterday's KPIs with the CSAT trend for leads and managers; the person's open
 * escalations) and any other feature's (their next shift, a handoff or a poll waiting).
 *
 * Publishing (Slack) never happens inside an interaction: an open or a change schedules a
 * one-off timer per person and 5-second window, so a burst of changes is one views.publish; and
 * a page whose content did not change is not published again.
 */
import { createHash } from 'node:crypto';
import { escapeText, timeToken, type Block, type Message, type PlatformKind } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { HomeSection, Viewer } from '../glance.js';
import type { Actor, Answer } from '../interactions.js';
import type { Clock, TimerPayload, Timers } from '../ports.js';
import { addDays, localDate } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import { openEscalations } from './attention.js';
import { kpiText } from './briefing-message.js';
import { trendChart } from './charts.js';
import { dayLabel } from './format.js';
import { ScopeValues, window } from './kpis.js';
import { KPIS, TEAM } from './model.js';
import type { EscalationReader, MetricStore } from './ports.js';

export const HOME_TIMER = 'home.publish';
const COALESCE_MS = 5_000;

/** Who has a Home page, and the fingerprint of what they were last shown. */
export interface HomeViewers {
  /** The fingerprint last published for a viewer key, if any. */
  last(key: string): Promise<string | undefined>;
  remember(key: string, fingerprint: string): Promise<void>;
  /** Every viewer key. */
  all(): Promise<string[]>;
}

export interface HomeDeps {
  settings: Settings;
  store: MetricStore;
  reader: EscalationReader;
  clock: Clock;
  timers: Timers;
  viewers: HomeViewers;
  /** Other features' sections, read at each use. */
  sections: () => readonly HomeSection[];
  /** Shows a page on the platforms that have a Home (Slack); a no-op elsewhere. */
  publish: (viewer: Viewer, page: Message) => Promise<void>;
  log: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
}

const key = (v: Pick<Viewer, 'platform' | 'tenant' | 'user'>) => `${v.platform}|${v.tenant}|${v.user}`;

export class Home {
  constructor(private readonly deps: HomeDeps) {}

  viewer(actor: Pick<Actor, 'platform' | 'tenant' | 'user' | 'email' | 'personId'>): Viewer {
    const roster = this.deps.settings.roster;
    const person = actor.personId ? roster.byId(actor.personId) : roster.find(actor.platform, actor.user, actor.email);
    return { platform: actor.platform, tenant: actor.tenant, user: actor.user, ...(person ? { person } : {}) };
  }

  /** The sections this feature draws itself. */
  builtIn(): HomeSection[] {
    return [
      { name: 'kpis', order: 10, blocks: (viewer, now) => this.kpis(viewer, now) },
      { name: 'escalations', order: 20, blocks: (viewer) => this.escalations(viewer) },
    ];
  }

  private async kpis(viewer: Viewer, now: Date): Promise<Block[]> {
    if (!viewer.person || viewer.person.role === 'agent') return [];
    const config = this.deps.settings.config;
    const date = addDays(localDate(now, config.organization.timezone), -1);
    const days = window(date);
    const values = new ScopeValues(await this.deps.store.read([TEAM], days));
    const kpis = KPIS.map((m) => values.kpi(m, date, config.targets));
    const csat = values.has('csat', days) || !values.has('csatGood', days) ? 'csat' : 'csatGood';
    const chart = trendChart({ metric: csat, title: `CSAT, last ${days.length} days`, scopes: [{ name: config.organization.name, values }], days, target: config.targets[csat] });
    return [
      { type: 'section', text: `**Yesterday's numbers** · ${dayLabel(date)}` },
      { type: 'fields', fields: kpis.map((k) => ({ label: k.label, value: kpiText(k) })) },
      'chart' in chart ? chart.chart : { type: 'context', text: chart.omitted },
    ];
  }

  private async escalations(viewer: Viewer): Promise<Block[]> {
    const open = await openEscalations(this.deps.reader, undefined);
    const mine = open.filter((e) =>
      [e.owner, e.requester].some((p) => p !== undefined && ((viewer.person !== undefined && p.personId === viewer.person.id) || (p.platform === viewer.platform && p.user === viewer.user))),
    );
    const lines = mine.slice(0, 8).map((e) => `• **${e.id}** · ${e.severity} · ${e.status}${e.owner ? ` · ${escapeText(e.owner.name)}` : ''}: ${escapeText(truncate(e.summary, 100))}`);
    if (mine.length > lines.length) lines.push(`…and ${mine.length - lines.length} more (/escalations mine)`);
    return [
      { type: 'section', text: mine.length > 0 ? `**Your open escalations** (${mine.length})\n${lines.join('\n')}` : 'Your open escalations: none. 🎉' },
      { type: 'actions', buttons: [{ actionId: 'escalation.new', label: 'Escalate…', value: 'new', style: 'primary' }] },
    ];
  }

  /** The page, section by section; a failing section is left out, never the page. */
  async page(viewer: Viewer): Promise<{ message: Message; fingerprint: string }> {
    const now = this.deps.clock.now();
    const sections = [...this.builtIn(), ...this.deps.sections()].sort((a, b) => a.order - b.order);
    const body: Block[] = [];
    for (const section of sections) {
      try {
        const blocks = await section.blocks(viewer, now);
        if (blocks.length > 0) body.push(...(body.length > 0 ? [{ type: 'divider' } as const] : []), ...blocks);
      } catch (error) {
        this.deps.log('warn', `the ${section.name} part of a Home page failed; it is left out`, { err: error });
      }
    }
    const name = viewer.person?.name ?? 'you';
    const fingerprint = createHash('sha1').update(JSON.stringify(body)).digest('hex');
    const blocks: Block[] = [{ type: 'header', text: `Shiftlead · ${name}` }, { type: 'context', text: `Updated ${timeToken(now)}` }, ...body];
    return { message: { text: `Shiftlead for ${name}`, blocks, refresh: { actionId: 'home.refresh', value: 'home' } }, fingerprint };
  }

  /** `/home` (console; `@Shiftlead home` on Teams posts the card that refreshes itself). */
  async command(actor: Actor): Promise<Answer> {
    return { reply: (await this.page(this.viewer(actor))).message };
  }

  /** `home.refresh` (Teams asks when the card is opened) and `home.opened` (Slack's App Home was opened). */
  async action(actor: Actor, actionId: string): Promise<Answer> {
    if (actionId === 'home.opened') {
      await this.changed([this.viewer(actor)]);
      return {};
    }
    return { update: (await this.page(this.viewer(actor))).message };
  }

  /** Something on these people's pages changed: one publish per person per 5-second window. */
  async changed(viewers: ReadonlyArray<Pick<Viewer, 'platform' | 'tenant' | 'user'>>): Promise<void> {
    const now = this.deps.clock.now().getTime();
    const bucket = Math.floor(now / COALESCE_MS);
    for (const v of viewers) {
      const payload: TimerPayload = { kind: HOME_TIMER, tenant: v.tenant, platform: v.platform, user: v.user };
      await this.deps.timers.schedule(`home-${v.platform}-${v.user.replace(/[^A-Za-z0-9_-]/g, '_')}-${bucket}`, new Date((bucket + 1) * COALESCE_MS), payload);
    }
  }

  /** The timer: publishes the page if it differs from the one last shown. */
  async publish(payload: TimerPayload): Promise<void> {
    const { platform, user, tenant } = payload;
    if (typeof platform !== 'string' || typeof user !== 'string') throw new Error('malformed Home timer');
    const viewer = this.viewer({ platform: platform as PlatformKind, tenant, user });
    const { message, fingerprint } = await this.page(viewer);
    if ((await this.deps.viewers.last(key(viewer))) === fingerprint) return;
    await this.deps.publish(viewer, message);
    await this.deps.viewers.remember(key(viewer), fingerprint);
  }

  /** Upkeep: every page whose content changed since it was shown is published again (coalesced). */
  async refreshAll(): Promise<void> {
    const stale: Viewer[] = [];
    for (const k of await this.deps.viewers.all()) {
      const [platform, tenant, user] = k.split('|') as [PlatformKind, string, string];
      const viewer = this.viewer({ platform, tenant, user });
      if ((await this.deps.viewers.last(k)) !== (await this.page(viewer)).fingerprint) stale.push(viewer);
    }
    if (stale.length > 0) await this.changed(stale);
  }
}
