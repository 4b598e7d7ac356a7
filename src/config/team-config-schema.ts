/**
 * The team configuration: roster, departments and their channels, severities and SLAs, KPI
 * targets, briefing schedules and quiet hours. Unknown keys are errors.
 */
import { z } from 'zod';
import { Coaching } from './coaching-schema.js';
import { Channels, ClockTime, Duration, Id, TimeZone, Weekday } from './config-types.js';
import { CustomerChannels, DepartmentCsat, Pulse, pulseReferences } from './listening-schema.js';
import { metricsReferences, WeeklyReport } from './metrics-schema.js';
import { HandoffSettings, ReminderSettings, Shift, shiftReferences } from './shifts-schema.js';
import { formatDuration, parseDuration } from './duration.js';

export const ROLES = ['agent', 'lead', 'manager'] as const;

const Person = z.strictObject({
  id: Id,
  name: z.string().min(1).max(80),
  email: z.email({ message: 'must be an email address' }).optional(),
  slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD').optional(),
  teams: z.uuid({ message: 'must be the Microsoft Entra (AAD) object id, a GUID' }).optional(),
  timezone: TimeZone,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
});

const Sla = z.strictObject({
  acknowledgeWithin: Duration,
  resolveWithin: Duration,
});

const Severity = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,16}$/, 'must be a short id such as P1'),
  label: z.string().min(1).max(40),
  acknowledgeWithin: Duration,
  resolveWithin: Duration,
});

/** Who one escalation level tells: a group of the department's people, or named people. */
const LEVEL_GROUPS = ['onDuty', 'leads', 'managers'] as const;
const Level = z.strictObject({
  notify: z.union([z.enum(LEVEL_GROUPS), z.array(Id).min(1)], { error: 'must be onDuty, leads, managers or a list of person ids' }),
  /** How long after the missed deadline this level is told (default: at the deadline). */
  after: Duration.optional(),
});
const Levels = z.array(Level).min(1, 'needs at least one level').max(6, 'has at most 6 levels');

const Department = z.strictObject({
  id: Id,
  name: z.string().min(1).max(60),
  channels: Channels,
  onDuty: z.array(Id).default([]),
  /** The department's leads (default: every lead in people). */
  leads: z.array(Id).default([]),
  managers: z.array(Id).default([]),
  /** Per-severity SLA overrides for this department. */
  sla: z.record(z.string(), Sla).default({}),
  csat: DepartmentCsat.prefault({}),
  /** This department's escalation levels (default: escalations.levels). */
  levels: Levels.optional(),
});

const Briefing = z.strictObject({
  id: Id,
  channels: Channels,
  at: ClockTime,
  timezone: TimeZone,
  days: z.array(Weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
  /** Which departments' numbers it shows; left out, the whole team's. */
  departments: z.array(Id).min(1).optional(),
  /** Workers down at `at`: posted (marked late) when they are back within this long, else skipped. */
  lateWithin: Duration.default(2 * 3600_000),
});

const Escalations = z.strictObject({
  /** How often an unacknowledged (or unresolved) escalation past its deadline is re-announced. */
  renotifyEvery: Duration.default(10 * 60_000),
  /** The older, two-level form of `levels`: the managers get a DM at this reminder (default 3). */
  managerAfterMisses: z.number().int().min(1).max(50).optional(),
  /**
   * Who hears about a missed deadline, level by level, each after its own delay from the deadline:
   * the first level is mentioned in the record's thread every renotifyEvery, the others get a DM.
   */
  levels: Levels.optional(),
  /** The severity the form starts with. */
  defaultSeverity: z.string().optional(),
  /** Re-notifications stop after this many (the manager has been told by then). */
  maxRenotifications: z.number().int().min(1).max(100).default(12),
  /** Who may resolve: anyone, or only the owner, the requester, leads and managers. */
  resolve: z.enum(['anyone', 'owner-or-lead']).default('anyone'),
  reaction: z
    .strictObject({
      emoji: z.string().regex(/^[a-z0-9_+-]+$/, 'must be an emoji name without colons, e.g. rotating_light').default('rotating_light'),
      channels: z.array(z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id')).default([]),
      severity: z.string().optional(),
      department: Id.optional(),
    })
    .prefault({}),
});

const Targets = z.strictObject({
  csat: z.number().min(1).max(5).optional(),
  /** The share of good ratings (0–1), for helpdesks with good/bad CSAT such as Zendesk. */
  csatGood: z.number().min(0).max(1).optional(),
  nps: z.number().min(-100).max(100).optional(),
  firstResponseMinutes: z.number().positive().optional(),
  resolutionRate: z.number().min(0).max(1).optional(),
  backlog: z.number().int().min(0).optional(),
  slaBreaches: z.number().int().min(0).optional(),
});

const QuietHours = z.strictObject({ start: ClockTime, end: ClockTime });

export const TeamConfigSchema = z
  .strictObject({
    organization: z.strictObject({ name: z.string().min(1).max(80), timezone: TimeZone }),
    people: z.array(Person).min(1),
    departments: z.array(Department).min(1),
    severities: z.array(Severity).min(1),
    escalations: Escalations.prefault({}),
    targets: Targets.default({}),
    briefings: z.array(Briefing).default([]),
    quietHours: QuietHours.optional(),
    shifts: z.array(Shift).default([]),
    reminders: ReminderSettings.prefault({}),
    handoffs: HandoffSettings.prefault({}),
    customerChannels: CustomerChannels.default([]),
    pulses: z.array(Pulse).default([]),
    reports: z.strictObject({ weekly: WeeklyReport.optional() }).optional(),
    coaching: Coaching.prefault({}),
  })
  // Cross-references run even when other parts are invalid, so that every problem is listed at once.
  .superRefine((raw, ctx) => crossReferences(raw as unknown as Loose, ctx), { when: () => true });

/** The parsed shape as far as it may be, when other parts failed validation. */
interface Loose {
  people?: unknown;
  departments?: unknown;
  severities?: unknown;
  briefings?: unknown;
  shifts?: unknown;
  pulses?: unknown;
  quietHours?: { start?: unknown; end?: unknown };
  reports?: unknown;
  escalations?: { reaction?: { severity?: unknown; department?: unknown }; levels?: unknown; managerAfterMisses?: unknown; defaultSeverity?: unknown };
}

type Ctx = z.RefinementCtx;

const list = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value.map((v) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})) : [];
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** A duration as parsed (ms), or as written when the rest of the file failed to parse. */
const ms = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined);

function crossReferences(config: Loose, ctx: Ctx): void {
  const people = list(config.people);
  const departments = list(config.departments);
  const severities = list(config.severities);
  const personIds = new Set(people.map((p) => str(p['id'])));
  const severityIds = new Set(severities.map((s) => str(s['id'])));
  const unique = (items: Array<Record<string, unknown>>, field: string, path: string, what: string, normalise = (v: string) => v) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const raw = str(item[field]);
      if (raw === undefined) return;
      const k = normalise(raw);
      const first = seen.get(k);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [path, i, field], message: `${what} ${JSON.stringify(raw)} is already used by ${path}[${first}]` });
      else seen.set(k, i);
    });
  };
  unique(people, 'id', 'people', 'id');
  unique(people, 'email', 'people', 'email', (e) => e.toLowerCase());
  unique(people, 'slack', 'people', 'Slack id');
  unique(people, 'teams', 'people', 'Teams id', (t) => t.toLowerCase());
  unique(departments, 'id', 'departments', 'id');
  unique(severities, 'id', 'severities', 'id');
  unique(list(config.briefings), 'id', 'briefings', 'id');
  const levelPeople = (levels: unknown, path: Array<string | number>) =>
    list(levels).forEach((level, j) => {
      const notify = level['notify'];
      if (Array.isArray(notify)) {
        notify.forEach((person, k) => {
          if (typeof person === 'string' && !personIds.has(person)) ctx.addIssue({ code: 'custom', path: [...path, j, 'notify', k], message: `${JSON.stringify(person)} is not a person in people` });
        });
      }
    });
  levelPeople(config.escalations?.levels, ['escalations', 'levels']);
  if (config.escalations?.levels !== undefined && config.escalations.managerAfterMisses !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['escalations', 'managerAfterMisses'], message: 'levels replace managerAfterMisses; remove it (it meant: the managers, (managerAfterMisses − 1) × renotifyEvery after the deadline)' });
  }
  const defaultSeverity = str(config.escalations?.defaultSeverity);
  if (defaultSeverity !== undefined && !severityIds.has(defaultSeverity)) {
    ctx.addIssue({ code: 'custom', path: ['escalations', 'defaultSeverity'], message: `${JSON.stringify(defaultSeverity)} is not a severity in severities` });
  }
  departments.forEach((d, i) => {
    levelPeople(d['levels'], ['departments', i, 'levels']);
    for (const field of ['onDuty', 'leads', 'managers'] as const) {
      (Array.isArray(d[field]) ? (d[field] as unknown[]) : []).forEach((person, j) => {
        if (typeof person === 'string' && !personIds.has(person)) {
          ctx.addIssue({ code: 'custom', path: ['departments', i, field, j], message: `${JSON.stringify(person)} is not a person in people` });
        }
      });
    }
    const sla = d['sla'];
    if (sla && typeof sla === 'object') {
      for (const severity of Object.keys(sla)) {
        if (!severityIds.has(severity)) ctx.addIssue({ code: 'custom', path: ['departments', i, 'sla', severity], message: `${JSON.stringify(severity)} is not a severity in severities` });
      }
    }
  });
  shiftReferences(list(config.shifts), personIds, new Set(departments.map((d) => str(d['id']))), ctx);
  pulseReferences(list(config.pulses), config.quietHours, personIds, new Set(departments.map((d) => str(d['id']))), ctx);
  unique(list(config.pulses), 'id', 'pulses', 'id');
  // Resolving comes after acknowledging: a resolve deadline before the acknowledge deadline would
  // run both reminder trains at once (two thread lines and two manager DMs each round).
  const ordered = (sla: Record<string, unknown>, path: Array<string | number>) => {
    const ack = ms(sla['acknowledgeWithin']);
    const resolve = ms(sla['resolveWithin']);
    if (ack !== undefined && resolve !== undefined && resolve < ack) {
      ctx.addIssue({ code: 'custom', path: [...path, 'resolveWithin'], message: `${formatDuration(resolve)} is shorter than acknowledgeWithin (${formatDuration(ack)}); an escalation is resolved after it is acknowledged, so give it at least ${formatDuration(ack)}` });
    }
  };
  severities.forEach((s, i) => ordered(s, ['severities', i]));
  departments.forEach((d, i) => {
    const sla = d['sla'];
    if (sla && typeof sla === 'object') for (const [severity, v] of Object.entries(sla)) if (v && typeof v === 'object') ordered(v as Record<string, unknown>, ['departments', i, 'sla', severity]);
  });
  metricsReferences(config, personIds, new Set(departments.map((d) => str(d['id']))), ctx);
  const reaction = config.escalations?.reaction;
  const severity = str(reaction?.severity);
  if (severity !== undefined && !severityIds.has(severity)) {
    ctx.addIssue({ code: 'custom', path: ['escalations', 'reaction', 'severity'], message: `${JSON.stringify(severity)} is not a severity in severities` });
  }
  const department = str(reaction?.department);
  if (department !== undefined && !departments.some((d) => d['id'] === department)) {
    ctx.addIssue({ code: 'custom', path: ['escalations', 'reaction', 'department'], message: `${JSON.stringify(department)} is not a department in departments` });
  }
}

export type TeamConfig = z.infer<typeof TeamConfigSchema>;
export type Person = TeamConfig['people'][number];
export type Department = TeamConfig['departments'][number];
export type Severity = TeamConfig['severities'][number];
export type EscalationLevel = z.infer<typeof Level>;
export type Role = Person['role'];
export type ShiftConfig = TeamConfig['shifts'][number];
export type PulseConfig = TeamConfig['pulses'][number];
export type BriefingConfig = TeamConfig['briefings'][number];
