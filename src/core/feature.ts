/**
 * Feature modules: each feature (escalations, shifts, briefings, polls, coaching) is one folder in
 * src/core and one `Feature` value listing what it adds — commands, buttons, forms, timer kinds,
 * schedule kinds and periodic upkeep. The app composes features; it never switches on one.
 */
import type { BriefingSection, HomeSection, ReportSection } from './glance.js';
import { Interactions, type ActionHandler, type CommandHandler, type FormHandler } from './interactions.js';
import type { TimerPayload } from './ports.js';
import type { ScheduleKind } from './schedule/schedule.js';

/** Handles the one-off timers of one kind (SLA deadlines, poll closings, handoff deadlines). */
export interface TimerHandler {
  /** The `kind` of the timers it owns, e.g. `escalation.sla`. */
  kind: string;
  /** Handles a fired timer; throws `InvalidTimerError` for a payload that can never be handled. */
  fire(payload: TimerPayload): Promise<void>;
}

/** A timer that can never be handled (unknown kind, malformed payload): never retried. */
export class InvalidTimerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTimerError';
  }
}

export interface Feature {
  /** A short name for logs, e.g. `escalations`. */
  readonly name: string;
  commands?: CommandHandler[];
  actions?: ActionHandler[];
  forms?: FormHandler[];
  timers?: TimerHandler[];
  schedules?: ScheduleKind[];
  /** Lines for a briefing's "Needs attention" (src/core/glance.ts). */
  briefing?: BriefingSection[];
  /** Parts of each person's Home page (src/core/glance.ts). */
  home?: HomeSection[];
  /** Lines for the weekly report (src/core/glance.ts). */
  report?: ReportSection[];
  /** Periodic upkeep (about once a minute, on one worker at a time): re-queue what a crash left undone. */
  upkeep?(): Promise<void>;
}

/** Everything the features registered: interactions for the platforms, timers and schedules for the workers. */
export class Features {
  readonly interactions = new Interactions();
  readonly schedules: ScheduleKind[] = [];
  /** Every feature's lines for briefings, and parts of the Home page. */
  readonly briefing: BriefingSection[] = [];
  readonly home: HomeSection[] = [];
  readonly report: ReportSection[] = [];
  private readonly timers = new Map<string, TimerHandler>();
  private readonly upkeeps: Array<{ name: string; run: () => Promise<void> }> = [];
  readonly names: string[] = [];

  add(feature: Feature): this {
    this.names.push(feature.name);
    for (const c of feature.commands ?? []) this.interactions.addCommand(c);
    for (const a of feature.actions ?? []) this.interactions.addActions(a);
    for (const f of feature.forms ?? []) this.interactions.addForms(f);
    for (const t of feature.timers ?? []) {
      if (this.timers.has(t.kind)) throw new Error(`timer kind "${t.kind}" is registered twice`);
      this.timers.set(t.kind, t);
    }
    for (const s of feature.schedules ?? []) {
      if (this.schedules.some((k) => k.kind === s.kind)) throw new Error(`schedule kind "${s.kind}" is registered twice`);
      this.schedules.push(s);
    }
    this.briefing.push(...(feature.briefing ?? []));
    this.home.push(...(feature.home ?? []));
    this.report.push(...(feature.report ?? []));
    if (feature.upkeep) this.upkeeps.push({ name: feature.name, run: feature.upkeep.bind(feature) });
    return this;
  }

  /** Hands a fired timer to its feature. */
  async fireTimer(payload: TimerPayload): Promise<void> {
    const handler = this.timers.get(payload.kind);
    if (!handler) throw new InvalidTimerError(`unknown timer kind "${payload.kind}"`);
    await handler.fire(payload);
  }

  /** The schedule kind of a name. */
  schedule(kind: string): ScheduleKind | undefined {
    return this.schedules.find((s) => s.kind === kind);
  }

  /** Runs every feature's upkeep; one failing does not stop the others. Returns the failures. */
  async upkeep(): Promise<Array<{ name: string; error: unknown }>> {
    const failures: Array<{ name: string; error: unknown }> = [];
    for (const u of this.upkeeps) {
      try {
        await u.run();
      } catch (error) {
        failures.push({ name: u.name, error });
      }
    }
    return failures;
  }
}
