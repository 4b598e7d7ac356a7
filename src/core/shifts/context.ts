/** What every part of the shifts feature needs: its ports, and small shared steps over them. */
import type { Delivery } from '../../chat/delivery.js';
import type { Message, PlatformKind } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { AuditEntry, Clock, Outbox, Timers } from '../ports.js';
import type { Reach } from '../reach.js';
import type { Participant } from '../roster.js';
import type { Settings } from '../settings.js';
import { FeatureContext } from '../feature-context.js';
import type { EscalationSnapshot, ShiftStore } from './model.js';
import { instancesAt, overrideKey, shiftInstance, type Overrides, type ShiftInstance } from './rota.js';

export interface ShiftDeps {
  settings: Settings;
  store: ShiftStore;
  outbox: Outbox;
  timers: Timers;
  clock: Clock;
  reach: Reach;
  /** The department's open escalations right now (across tenants). */
  openEscalations(department: string): Promise<EscalationSnapshot[]>;
  /** Replans the schedules after a change of who works an occurrence. */
  replan(): Promise<void>;
}

/** How long the department's open escalations are reused by reminders firing together. */
const OPEN_ESCALATIONS_TTL_MS = 10_000;

export class ShiftContext extends FeatureContext<ShiftDeps> {
  /** Shifts by id, rebuilt after each reload. */
  private readonly shiftsById;
  private readonly openCache = new Map<string, { at: number; value: Promise<EscalationSnapshot[]> }>();

  /** Each department's managers (or every manager when it names none), rebuilt after each reload. */
  private readonly managersByDepartment;

  constructor(deps: ShiftDeps) {
    super(deps);
    this.shiftsById = deps.settings.derive((s) => new Map(s.config.shifts.map((shift) => [shift.id, shift])));
    this.managersByDepartment = deps.settings.derive((s) => {
      const everyManager = s.roster.people.filter((p) => p.role === 'manager');
      return new Map(
        s.config.departments.map((d) => {
          const named = d.managers.flatMap((id) => s.roster.byId(id) ?? []);
          return [d.id, named.length > 0 ? named : everyManager];
        }),
      );
    });
  }

  overrides(): Promise<Overrides> {
    return this.deps.store.overrides();
  }

  /** One occurrence, with who works it now (reading only its own override). */
  async instance(shiftId: string, date: string): Promise<ShiftInstance | undefined> {
    const shift = this.shiftsById().get(shiftId);
    if (!shift) return undefined;
    const changed = await this.deps.store.override(shiftId, date);
    return shiftInstance(shift, date, this.config, changed ? new Map([[overrideKey(shiftId, date), changed]]) : undefined);
  }

  /** The department's open escalations, shared by everything that asks within a few seconds (a burst of reminders). */
  openEscalations(department: string): Promise<EscalationSnapshot[]> {
    const now = Date.now();
    const cached = this.openCache.get(department);
    if (cached && now - cached.at < OPEN_ESCALATIONS_TTL_MS) return cached.value;
    const value = this.deps.openEscalations(department);
    this.openCache.set(department, { at: now, value });
    value.catch(() => this.openCache.delete(department));
    return value;
  }

  async underWay(at = this.now()): Promise<ShiftInstance[]> {
    return instancesAt(this.config, at, await this.overrides());
  }

  audit(actor: Participant | string, type: string, subject: string, detail?: string): AuditEntry {
    const who = typeof actor === 'string' ? actor : (actor.personId ?? `${actor.platform}:${actor.user}`);
    return { actor: who, at: this.now().toISOString(), type, subject, ...(detail ? { detail } : {}) };
  }

  /** The department's managers (or every manager when it names none). */
  managers(department: string): Person[] {
    return this.managersByDepartment().get(department) ?? this.roster.people.filter((p) => p.role === 'manager');
  }

  /**
   * A DM to a roster person wherever they can be reached, with fallbacks for when it cannot be
   * delivered. `bulk` (scheduled fan-outs such as shift reminders) never delays interactive traffic.
   */
  async dm(person: Person, key: string, message: Message, fallback: (platform: PlatformKind, tenant: string) => Delivery[] = () => [], priority?: 'bulk'): Promise<Delivery | undefined> {
    const to = await this.deps.reach.person(person);
    if (!to) return undefined;
    const fb = fallback(to.platform, to.tenant);
    return { key, tenant: to.tenant, platform: to.platform, target: { kind: 'dm', user: to.user }, message, ...(fb.length > 0 ? { fallback: fb } : {}), ...(priority ? { priority } : {}) };
  }

  /** Posts to a department's channel on every platform that can be reached. */
  async toDepartment(department: string, key: string, message: Message, saveAs?: (platform: PlatformKind) => string): Promise<Delivery[]> {
    const channels = this.config.departments.find((d) => d.id === department)?.channels ?? {};
    return (await this.deps.reach.channels(channels)).map((c) => ({
      key: `${key}.${c.platform}`,
      tenant: c.tenant,
      platform: c.platform,
      target: { kind: 'conversation', conversation: c.conversation },
      message,
      ...(saveAs ? { saveAs: saveAs(c.platform) } : {}),
    }));
  }

  /** The department's channel on one platform, as a delivery (e.g. a fallback mention). */
  departmentPost(department: string, platform: PlatformKind, tenant: string, key: string, message: Message): Delivery[] {
    const conversation = this.config.departments.find((d) => d.id === department)?.channels[platform] ?? (platform === 'console' ? `#${department}` : undefined);
    return conversation ? [{ key, tenant, platform, target: { kind: 'conversation', conversation }, message }] : [];
  }
}
