/**
 * The anonymous team pulse: a round asks each person of a pulse's audience, by DM, its questions;
 * answers are kept without any person id. The store port is where anonymity is enforced.
 */
import type { PulseQuestionKind } from '../../config/listening-schema.js';
import type { Person, PulseConfig, TeamConfig } from '../../config/team-config-schema.js';

export const ENPS_QUESTION = 'How likely are you to recommend working on this team to a friend?';
export const TEXT_MAX = 2_000;

export interface Question {
  kind: PulseQuestionKind;
  text: string;
}

/** What a round is, fixed when it opens (a later config change does not rewrite it). */
export interface RoundInfo {
  /** `<pulse>-<yyyymmdd of the round's Monday>` for scheduled rounds, `<pulse>-now-<ms in base 36>` on demand. */
  id: string;
  pulse: string;
  name: string;
  questions: Question[];
  minResponses: number;
  /** How many people were asked. */
  asked: number;
  opensAt: string;
  closesAt: string;
}

export interface RoundState extends RoundInfo {
  status: 'open' | 'closed';
  closedAt?: string;
  /** How many people answered (never who). */
  responses: number;
}

/** One person's answer, in question order: a score (eNPS 0–10, rating 1–5), a text, or null (skipped). */
export type PulseAnswer = Array<number | string | null>;

export interface PulseStore {
  /** Opens a round (with a fresh round key) unless it exists; true when this call opened it. */
  open(round: RoundInfo): Promise<boolean>;
  /** A round and how many answered, or undefined. */
  get(roundId: string): Promise<RoundState | undefined>;
  /**
   * Saves a person's answer to an open round, replacing their earlier one. The person id never
   * leaves the process: the store keeps the answer under a one-way marker (an HMAC of the person
   * under the round's key), and the round key and the markers are deleted when the round closes.
   */
  answer(roundId: string, personId: string, answer: PulseAnswer, now: Date): Promise<'saved' | 'changed' | 'closed' | 'unknown'>;
  /** The answers of a round, in no meaningful order (sorted by content), without markers. */
  answers(roundId: string): Promise<PulseAnswer[]>;
  /**
   * Closes an open round atomically: the answers are kept (sorted by content, so their order says
   * nothing about who or when), the markers and the round key deleted. True when this call closed it.
   */
  close(roundId: string, now: Date): Promise<boolean>;
  /** Confirms that a closed round's results were queued. */
  settle(roundId: string): Promise<void>;
  /** Open rounds (id → closes at), and closed ones whose results were not confirmed queued. */
  pending(): Promise<{ open: Array<{ id: string; closesAt: number }>; unsettled: string[] }>;
  /** A pulse's closed rounds, newest first. */
  closedRounds(pulse: string, limit: number): Promise<string[]>;
}

export function questionsOf(pulse: PulseConfig): Question[] {
  return pulse.questions.map((q) => ({ kind: q.kind, text: q.text ?? ENPS_QUESTION }));
}

export function pulseName(pulse: PulseConfig): string {
  return pulse.name ?? pulse.id;
}

/** Who a pulse asks: listed people, a department's people (its on-duty people and managers), or everyone. */
export function audience(pulse: PulseConfig, config: TeamConfig): Person[] {
  const byId = (ids: readonly string[]) => config.people.filter((p) => ids.includes(p.id));
  if (pulse.who?.people) return byId(pulse.who.people);
  if (pulse.who?.department) {
    const d = config.departments.find((x) => x.id === pulse.who?.department);
    return d ? byId([...d.onDuty, ...d.managers]) : [];
  }
  return [...config.people];
}
