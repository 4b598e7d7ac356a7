/** The ports the metrics feature talks to (Redis implements them in src/store). */
import type { Escalation } from '../escalations/model.js';
import type { MetricPoint } from './model.js';

/** A stored value as read back. */
export interface StoredPoint extends MetricPoint {
  /** When it was written (ISO). */
  at: string;
}

/** The organization's metric values. */
export interface MetricStore {
  /** Writes the points in one step (all or none); a point with a known (metric, date, department, source) replaces it. */
  put(points: MetricPoint[]): Promise<number>;
  /** Replaces everything one source said about some departments on a date with `points`, in one step. */
  replaceSource(source: string, date: string, departments: readonly string[], points: MetricPoint[]): Promise<void>;
  /** Every value of these departments (department ids or TEAM) on these dates. */
  read(departments: readonly string[], dates: readonly string[]): Promise<StoredPoint[]>;
}

/** The read paths of the escalation records that metrics, briefings and reports need. */
export interface EscalationReader {
  /** Tenants that have escalations. */
  tenants(): Promise<string[]>;
  /** Records that are not resolved, oldest first. */
  open(tenant: string): Promise<Escalation[]>;
  /** Ids of records with an audit entry at or after `from`. */
  touchedSince(tenant: string, from: Date): Promise<string[]>;
  /** Records by id (unknown ids are left out). */
  get(tenant: string, ids: readonly string[]): Promise<Escalation[]>;
  /** Every record of a tenant, a page at a time (exports). */
  all(tenant: string): AsyncIterable<Escalation[]>;
}
