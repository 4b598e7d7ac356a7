/**
 * Upward: the weekly report for management (a schedule kind: a DM to `reports.weekly.to` each
 * week, the last complete Monday–Sunday week), `/report` on demand, and `/report export [from]
 * [to]` (leads and managers): the escalations and the daily metrics as CSV files, delivered to the
 * person as their platform allows (a Slack file in their DM, a file on the console, a Teams
 * download).
 */
import type { Delivery } from '../../chat/delivery.js';
import type { OutgoingFile } from '../../chat/platform.js';
import { escapeText, type Block, type Field, type Message, type PlatformKind } from '../../chat/message.js';
import type { ReportSection } from '../glance.js';
import type { Actor, Answer } from '../interactions.js';
import type { Clock, Outbox, TimerPayload, Timers } from '../ports.js';
import type { Reach } from '../reach.js';
import { addDays, dailyOccurrences, daysBetween, localDate, parseClockTime } from '../schedule/local-time.js';
import type { Occurrence, ScheduleKind } from '../schedule/schedule.js';
import type { Settings } from '../settings.js';
import { trendChart } from './charts.js';
import { escalationsCsv, metricsCsv } from './export-csv.js';
import { dayLabel, formatDelta, formatValue, minutesText } from './format.js';
import { ScopeValues } from './kpis.js';
import { KNOWN_METRICS, metricInfo, TEAM } from './model.js';
import { slaOf, type OwnRecords } from './own-records.js';
import type { EscalationReader, MetricStore } from './ports.js';
import { datesFrom, escalationFacts, escalationsCreated, lastCompleteWeek, periodValue, summarize } from './report-data.js';

export const REPORT_KIND = 'report.weekly';
export const EXPORT_TIMER = 'report.export';
/** The longest export, in days. */
export const EXPORT_MAX_DAYS = 366;
const REPORT_METRICS = ['csat', 'csatGood', 'nps', 'firstResponseMinutes', 'resolutionRate', 'backlog'] as const;

export type { OutgoingFile };

/** Where files go: the person's DM on Slack, a file on the console, a download on Teams. */
export interface FileDrop {
  /** Sends files privately to a user; throws when the platform cannot. */
  send(to: { platform: PlatformKind; tenant: string; user: string }, files: OutgoingFile[], comment: string): Promise<void>;
}

export interface ReportsDeps {
  settings: Settings;
  store: MetricStore;
  reader: EscalationReader;
  own: OwnRecords;
  outbox: Outbox;
  timers: Timers;
  reach: Reach;
  clock: Clock;
  files: FileDrop;
  /** Other features' lines in the weekly report (shifts: handoffs acknowledged in time). */
  sections?: () => readonly ReportSection[];
  log: (level: 'info' | 'warn', message: string, details?: Record<string, unknown>) => void;
}

const say = (text: string): Message => ({ text, blocks: [{ type: 'section', text }] });
const DATE = /^\d{4}-\d\d-\d\d$/;
const label = (from: string, to: string) => `${dayLabel(from)} – ${dayLabel(to)}`;

export class Reports {
  constructor(private readonly deps: ReportsDeps) {}

  private get zone(): string {
    return this.deps.settings.config.reports?.weekly?.timezone ?? this.deps.settings.config.organization.timezone;
  }

  private sla = (department: string, severity: string) => slaOf(this.deps.settings, department, severity);

  private departmentName = (id: string) => this.deps.settings.config.departments.find((d) => d.id === id)?.name ?? id;

  /** The weekly report of the week [from, to] (local dates in the report's zone). */
  async weekly(from: string, to: string, now: Date): Promise<Message> {
    const { settings, store, reader } = this.deps;
    const config = settings.config;
    await this.deps.own.ensureFresh(undefined, 'own-report');
    const zone = this.zone;
    const before = { from: addDays(from, -7), to: addDays(to, -7) };
    const week = datesFrom(from, to);
    const previous = datesFrom(before.from, before.to);
    const since = new Date(now.getTime() - (daysBetween(from, localDate(now, zone)) + 2) * 86_400_000);
    const facts = (await escalationsCreated(reader, from, to, zone, true, since)).map((e) => escalationFacts(e, this.sla, now));
    const summary = summarize(facts);
    const values = new ScopeValues(await store.read([TEAM], [...previous, ...week]));

    const blocks: Block[] = [{ type: 'header', text: `📊 Weekly report · ${label(from, to)}` }];
    const severities = config.severities.map((s) => `${s.id} ${summary.bySeverity.get(s.id) ?? 0}`).join(' · ');
    const rate = summary.total > 0 ? `${Math.round((summary.breached / summary.total) * 100)}% (${summary.breached} of ${summary.total})` : 'no escalations';
    blocks.push({
      type: 'section',
      text: [
        `**Escalations:** ${summary.total} opened (${severities})`,
        `**SLA breach rate:** ${rate}`,
        `**Median time to acknowledge:** ${summary.ackMinutes !== undefined ? minutesText(summary.ackMinutes) : 'none acknowledged'} · **to resolve:** ${summary.resolveMinutes !== undefined ? minutesText(summary.resolveMinutes) : 'none resolved'}`,
      ].join('\n'),
    });
    const byDepartment: Field[] = [...summary.byDepartment.entries()].map(([d, bySeverity]) => ({
      label: this.departmentName(d),
      value: `${[...bySeverity.values()].reduce((a, b) => a + b, 0)} (${[...bySeverity.entries()].map(([s, n]) => `${s} ${n}`).join(' · ')})`,
    }));
    if (byDepartment.length > 0) blocks.push({ type: 'fields', fields: byDepartment });
    const lines: string[] = [];
    for (const section of this.deps.sections?.() ?? []) {
      try {
        lines.push(...(await section.lines({ from, to, zone, now })));
      } catch (error) {
        this.deps.log('warn', `the ${section.name} lines of the weekly report failed; it goes out without them`, { err: error });
      }
    }
    if (lines.length > 0) blocks.push({ type: 'section', text: lines.join('\n') });

    const fields: Field[] = [];
    for (const metric of REPORT_METRICS) {
      const target = config.targets[metric];
      const source = values.source(metric, to, [...previous, ...week]);
      const current = source ? periodValue(values, metric, source, week) : undefined;
      const then = source ? periodValue(values, metric, source, previous) : undefined;
      if (!current && target === undefined) continue;
      const info = KNOWN_METRICS[metric];
      const met = current && target !== undefined ? (info.better === 'higher' ? current.value >= target : current.value <= target) : undefined;
      const parts = [
        current ? `**${formatValue(metric, current.value)}**${met === true ? ' ✅' : met === false ? ' ❌' : ''}` : 'no data',
        target !== undefined ? `target ${formatValue(metric, target)}` : undefined,
        current && then ? `${formatDelta(metric, current.value - then.value)} vs the week before (${formatValue(metric, then.value)})` : undefined,
        source,
      ];
      fields.push({ label: info.label, value: parts.filter(Boolean).join(' · ') });
    }
    if (fields.length > 0) blocks.push({ type: 'fields', fields });

    const scopes = [{ name: config.organization.name, values }];
    const csat = values.has('csat', week) || !values.has('csatGood', week) ? 'csat' : 'csatGood';
    const charts = [
      trendChart({ metric: csat, title: `${metricInfo(csat).label}, ${label(from, to)}`, scopes, days: week, target: config.targets[csat] }),
      trendChart({ metric: 'firstResponseMinutes', title: `First response, ${label(from, to)}`, scopes, days: week, target: config.targets.firstResponseMinutes }),
    ];
    for (const c of charts) blocks.push('chart' in c ? c.chart : { type: 'context', text: c.omitted });
    blocks.push({ type: 'context', text: `Week of ${label(from, to)} (${zone}) · escalations across Slack, Teams and the console · /report export for the CSV files` });
    const text = `Weekly report ${label(from, to)}: ${summary.total} escalations, SLA breach rate ${rate}.`;
    return { text, blocks };
  }

  /** The weekly report's schedule kind: one DM per person in `to`, once per week. */
  kind(): ScheduleKind {
    return {
      kind: REPORT_KIND,
      late: { kind: 'mark', withinMs: 12 * 3600_000 },
      occurrences: async (from, to) => {
        const weekly = this.deps.settings.config.reports?.weekly;
        if (!weekly) return [];
        return dailyOccurrences({ at: parseClockTime(weekly.at), zone: weekly.timezone, days: [weekly.day] }, from, to).map((x): Occurrence => ({ kind: REPORT_KIND, item: 'weekly', date: x.date, at: x.at }));
      },
      fire: async (o, firing) => {
        const weekly = this.deps.settings.config.reports?.weekly;
        if (!weekly) return;
        const week = lastCompleteWeek(o.date);
        const message = await this.weekly(week.from, week.to, firing.now);
        const deliveries: Delivery[] = [];
        for (const id of weekly.to) {
          const person = this.deps.reach.byId(id);
          const address = person && (await this.deps.reach.person(person));
          if (!address) {
            this.deps.log('warn', 'the weekly report has no way to reach a person; not sent to them', { person: id });
            continue;
          }
          deliveries.push({ key: `rpt-weekly-${o.date.replace(/-/g, '')}-${id}`, tenant: address.tenant, platform: address.platform, target: { kind: 'dm', user: address.user }, message, priority: 'bulk' });
        }
        await this.deps.outbox.enqueue(deliveries);
      },
    };
  }

  /** `/report` (the last complete week, privately) and `/report export [from] [to]`. */
  async command(actor: Actor, text: string): Promise<Answer> {
    const [word = '', ...rest] = text.trim().split(/\s+/);
    if (word.toLowerCase() === 'export') return this.requestExport(actor, rest);
    if (word) return { reply: say(`Use /report for last week's report, or /report export [from] [to] (dates such as ${localDate(this.deps.clock.now(), this.zone)}).`) };
    const now = this.deps.clock.now();
    const week = lastCompleteWeek(localDate(now, this.zone));
    return { reply: await this.weekly(week.from, week.to, now) };
  }

  private role(actor: Actor): string {
    const roster = this.deps.settings.roster;
    return (actor.personId ? roster.byId(actor.personId) : roster.find(actor.platform, actor.user, actor.email))?.role ?? 'agent';
  }

  private async requestExport(actor: Actor, args: string[]): Promise<Answer> {
    if (this.role(actor) === 'agent') return { reply: say('Exports are for leads and managers. Ask one of them, or use /report for last week’s report.') };
    const today = localDate(this.deps.clock.now(), this.deps.settings.config.organization.timezone);
    const [from = addDays(today, -30), to = addDays(today, -1)] = args;
    const problem = exportRangeProblem(from, to, today);
    if (problem) return { reply: say(escapeText(problem)) };
    const payload: TimerPayload = { kind: EXPORT_TIMER, tenant: actor.tenant, platform: actor.platform, user: actor.user, from, to };
    // Ack first: the files are built and sent by a worker, not inside the 3 s of a slash command.
    await this.deps.timers.schedule(`rpt-export-${actor.platform}-${actor.user.replace(/[^A-Za-z0-9_-]/g, '_')}-${from}-${to}-${Math.floor(this.deps.clock.now().getTime() / 60_000)}`, this.deps.clock.now(), payload);
    return { reply: say(`Preparing your export for ${from} to ${to}: the escalations and the daily metrics as CSV files. They arrive privately in a moment.`) };
  }


  /** The export timer fired: build the files and send them to the person who asked. */
  async deliverExport(payload: TimerPayload): Promise<void> {
    const { platform, user, from, to, tenant } = payload;
    if (typeof platform !== 'string' || typeof user !== 'string' || typeof from !== 'string' || typeof to !== 'string') throw new Error('malformed export timer');
    const files = await exportFiles(this.deps, from, to, this.deps.clock.now());
    await this.deps.files.send({ platform: platform as PlatformKind, tenant, user }, files, `Your Shiftlead export for ${from} to ${to}: escalations (one row each) and the daily metrics.`);
  }
}

/** What is wrong with an export's range, or undefined when it is fine. */
export function exportRangeProblem(from: string, to: string, today: string): string | undefined {
  const bad = [from, to].find((d) => !DATE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)) || !new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));
  if (bad) return `"${bad}" is not a date: write it as YYYY-MM-DD, e.g. ${addDays(today, -30)} ${addDays(today, -1)}.`;
  if (from > to) return `The export starts (${from}) after it ends (${to}).`;
  if (from > today) return `${from} is in the future: there is nothing to export yet.`;
  if (daysBetween(from, to) + 1 > EXPORT_MAX_DAYS) return `That is ${daysBetween(from, to) + 1} days; an export covers at most ${EXPORT_MAX_DAYS}.`;
  return undefined;
}

/** The export's two CSV files for local dates [from, to] of the organization (also `npm run report:export`). */
export async function exportFiles(deps: Pick<ReportsDeps, 'settings' | 'store' | 'reader'>, from: string, to: string, now: Date): Promise<OutgoingFile[]> {
  const config = deps.settings.config;
  const zone = config.organization.timezone;
  const sla = (department: string, severity: string) => slaOf(deps.settings, department, severity);
  const escalations = (await escalationsCreated(deps.reader, from, to, zone, false, now)).map((e) => escalationFacts(e, sla, now));
  const points = await deps.store.read([...config.departments.map((d) => d.id), TEAM], datesFrom(from, to));
  return [
    { name: `shiftlead-escalations-${from}-${to}.csv`, title: `Escalations ${from} to ${to}`, content: escalationsCsv(escalations) },
    { name: `shiftlead-metrics-${from}-${to}.csv`, title: `Daily metrics ${from} to ${to}`, content: metricsCsv(points) },
  ];
}
