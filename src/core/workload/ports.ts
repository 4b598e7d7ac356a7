/** What the weekly workload summary reads beyond the rota and the escalations. */

/** A signal the coaching rules found but did not turn into a suggestion, because the person's cap was reached. */
export interface FoldedSignal {
  /** The rule that fired, e.g. `ackMissed`. */
  rule: string;
  /** When (ISO). */
  at: string;
  /** The facts, in a line (which escalation, which deadline). */
  detail: string;
}

/** The coaching feature's record of nudges (src/core/coaching), as the summary needs it. */
export interface CoachingLedger {
  /** How many nudges reached the person in [from, to). */
  nudgesSent(personId: string, from: Date, to: Date): Promise<number>;
  /** Signals about the person folded over the cap in [from, to), oldest first. */
  foldedSignals(personId: string, from: Date, to: Date): Promise<FoldedSignal[]>;
}

/** How many kudos a person received (the kudos store). */
export interface KudosCounts {
  received(personId: string, from: Date, to: Date): Promise<number>;
}
