/** The records of the shifts feature: cover requests and handoffs (both organization-wide). */
import { z } from 'zod';
import { PlatformKind } from '../../chat/message.js';
import { Participant, type ParticipantT } from '../escalations/model.js';
import type { AuditEntry } from '../ports.js';

export const LIMITS = { notes: 3_000, watchlist: 1_500, pending: 3_000 } as const;

export const CoverRequest = z.object({
  id: z.string().regex(/^C-\d+$/),
  number: z.number().int().positive(),
  shiftId: z.string(),
  date: z.string(),
  /** Roster id of who asked for cover. */
  requester: z.string(),
  createdAt: z.iso.datetime(),
  takenBy: z.string().optional(),
  takenAt: z.iso.datetime().optional(),
});
export type CoverRequest = z.infer<typeof CoverRequest>;

/** An open escalation as the handoff recorded it. */
export const EscalationSnapshot = z.object({
  id: z.string(),
  severity: z.string(),
  status: z.string(),
  summary: z.string(),
  createdAt: z.iso.datetime(),
  owner: z.string().optional(),
  breached: z.boolean(),
});
export type EscalationSnapshot = z.infer<typeof EscalationSnapshot>;

export const Handoff = z.object({
  id: z.string().regex(/^HO-\d+$/),
  number: z.number().int().positive(),
  department: z.string(),
  author: Participant,
  /** The outgoing shift occurrence, when the author was on one. */
  outgoing: z.object({ shiftId: z.string(), date: z.string() }).optional(),
  /** The incoming shift occurrence and who works it; absent when nobody is scheduled. */
  incoming: z.object({ shiftId: z.string(), date: z.string(), start: z.iso.datetime(), people: z.array(z.string()) }).optional(),
  notes: z.string(),
  watchlist: z.string().optional(),
  pending: z.string().optional(),
  escalations: z.array(EscalationSnapshot),
  createdAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().optional(),
  acknowledgedBy: Participant.optional(),
  /** Where the handoff's cards and DMs were delivered, as message keys, for in-place updates. */
  cards: z.array(z.object({ key: z.string(), platform: PlatformKind, tenant: z.string() })),
  version: z.number().int().positive(),
});
export type Handoff = z.infer<typeof Handoff>;
export type NewHandoff = Omit<Handoff, 'id' | 'number'>;

export type Taken = { outcome: 'taken'; request: CoverRequest } | { outcome: 'already'; request: CoverRequest } | { outcome: 'missing' };
export type Acknowledged = { outcome: 'acknowledged'; handoff: Handoff } | { outcome: 'already'; handoff: Handoff } | { outcome: 'missing' };

/** Where the shifts feature keeps its records (Redis implements it). */
export interface ShiftStore {
  /** Who works the occurrences changed at run time, by `overrideKey(shift, date)`. */
  overrides(): Promise<Map<string, string[]>>;
  /** Who works one occurrence when it was changed at run time. */
  override(shiftId: string, date: string): Promise<string[] | undefined>;
  /** Sets who works one occurrence, with its audit entry, in one step. */
  setOverride(shiftId: string, date: string, people: string[], audit: AuditEntry): Promise<void>;
  /** Forgets overrides of occurrences before `date` (upkeep). */
  forgetOverridesBefore(date: string): Promise<number>;
  /** Stores a new cover request, numbered `C-<n>`. */
  createCover(request: Omit<CoverRequest, 'id' | 'number'>, audit: AuditEntry): Promise<CoverRequest>;
  getCover(id: string): Promise<CoverRequest | undefined>;
  /**
   * The first taker wins: marks the request taken and puts the taker in the requester's place on
   * that occurrence (`scheduled` is who works it when nothing was changed), in one step.
   */
  takeCover(id: string, taker: string, at: string, scheduled: string[], audit: AuditEntry): Promise<Taken>;
  /** Stores a new handoff, numbered `HO-<n>`, indexed by department. */
  createHandoff(handoff: Omit<NewHandoff, 'version'>, audit: AuditEntry): Promise<Handoff>;
  getHandoff(id: string): Promise<Handoff | undefined>;
  /** The department's newest handoff. */
  latestHandoff(department: string): Promise<Handoff | undefined>;
  /** A department's handoffs written in [from, to] (ms), oldest first. */
  handoffsBetween(department: string, from: number, to: number): Promise<Handoff[]>;
  /** Records where a handoff's cards were delivered (message keys), for in-place updates. */
  recordHandoffCards(id: string, cards: Handoff['cards'], audit: AuditEntry): Promise<Handoff>;
  /** The first acknowledgement wins; later ones (double presses, retries) change nothing. */
  acknowledgeHandoff(id: string, by: ParticipantT, at: string, audit: AuditEntry): Promise<Acknowledged>;
}
