/**
 * Reading escalations: `/escalations` with its filters (open, mine, breached, resolved, customer,
 * since, a department, paging for leads and managers) and `/escalate show ESC-3`.
 */
import { DateTime } from 'luxon';
import { escapeText } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { Actor, Answer } from '../interactions.js';
import type { Clock, MessageLinks } from '../ports.js';
import type { Participant } from '../roster.js';
import { escalationList, recordView } from './lists.js';
import { isBreached, type Escalation } from './model.js';
import type { EscalationRules } from './rules.js';
import { isStoreDown, type EscalationStore } from './store.js';
import { cardKey, say } from './wording.js';

export const PAGE_SIZE = 20;

const FOOTER = 'Filters: /escalations mine · breached · resolved · customer <text> · since <yyyy-mm-dd> · <department> · page <n>';
const KEYWORDS = new Set(['all', 'open', 'mine', 'breached', 'resolved', 'customer', 'since', 'page']);

export interface Query {
  scope: 'open' | 'resolved' | 'any';
  mine: boolean;
  breached: boolean;
  customer?: string;
  since?: { date: string; at: Date };
  department?: string;
  page: number;
}

/** Parses `/escalations …`; dates are the person's (`zone`). */
export function parseQuery(text: string, rules: EscalationRules, zone: string): Query | { problem: string } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const q: Query = { scope: 'open', mine: false, breached: false, page: 1 };
  let scoped = false;
  const department = (word: string) => rules.departments.find((d) => d.id === word.toLowerCase() || d.name.toLowerCase() === word.toLowerCase());
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const lower = word.toLowerCase();
    if (lower === 'all' || lower === 'open') [q.scope, scoped] = ['open', true];
    else if (lower === 'resolved') [q.scope, scoped] = ['resolved', true];
    else if (lower === 'mine') q.mine = true;
    else if (lower === 'breached') q.breached = true;
    else if (lower === 'customer') {
      const parts: string[] = [];
      while (i + 1 < words.length && !KEYWORDS.has((words[i + 1] as string).toLowerCase()) && !department(words[i + 1] as string)) parts.push(words[(i += 1)] as string);
      if (parts.length === 0) return { problem: 'Say which customer: /escalations customer acme' };
      q.customer = truncate(parts.join(' '), 200);
    } else if (lower === 'since') {
      const date = words[(i += 1)] ?? '';
      const at = DateTime.fromISO(date, { zone });
      if (!/^\d{4}-\d\d-\d\d$/.test(date) || !at.isValid) return { problem: `"since" needs a date such as ${DateTime.now().setZone(zone).minus({ days: 7 }).toISODate()} (year-month-day).` };
      q.since = { date, at: at.toJSDate() };
    } else if (lower === 'page') {
      const n = Number(words[(i += 1)]);
      if (!Number.isInteger(n) || n < 1) return { problem: '"page" needs a page number: /escalations resolved page 2' };
      q.page = n;
    } else if (department(word)) q.department = department(word)?.id;
    else return { problem: `Unknown filter "${escapeText(word)}". ${FOOTER}.` };
  }
  if (!scoped && (q.customer !== undefined || q.since !== undefined)) q.scope = 'any';
  return q;
}

/** The query as typed, for the next page's button. */
function queryText(q: Query, page: number): string {
  const parts: string[] = [];
  if (q.scope === 'resolved') parts.push('resolved');
  if (q.mine) parts.push('mine');
  if (q.breached) parts.push('breached');
  if (q.department) parts.push(q.department);
  if (q.customer) parts.push('customer', q.customer);
  if (q.since) parts.push('since', q.since.date);
  parts.push('page', String(page));
  return parts.join(' ');
}

function title(q: Query, rules: EscalationRules): string {
  let base = q.scope === 'resolved' ? 'Resolved escalations' : q.scope === 'any' ? 'Escalations' : q.breached ? 'Escalations past a deadline' : 'Open escalations';
  if (q.mine) base = q.scope === 'open' && !q.breached ? 'Your open escalations' : `Your ${base.charAt(0).toLowerCase()}${base.slice(1)}`;
  const department = q.department ? ` in ${rules.department(q.department)?.name ?? q.department}` : '';
  const customer = q.customer ? ` for customer “${escapeText(q.customer)}”` : '';
  const since = q.since ? ` since ${q.since.date}` : '';
  return `${base}${department}${customer}${since}${q.page > 1 ? ` · page ${q.page}` : ''}`;
}

export interface QueryDeps {
  store: EscalationStore;
  links: MessageLinks;
  clock: Clock;
  rules: () => EscalationRules;
  participant: (actor: Actor) => Participant;
}

const STORE_DOWN_READ = 'Shiftlead could not read escalations right now (its database is unreachable). Please try again in a minute.';

export class EscalationQueries {
  constructor(private readonly deps: QueryDeps) {}

  /** `/escalations [filters]`, privately. */
  async list(actor: Actor, text: string): Promise<Answer> {
    const rules = this.deps.rules();
    const me = this.deps.participant(actor);
    const person = rules.roster.byId(me.personId);
    const parsed = parseQuery(text, rules, person?.timezone ?? rules.config.organization.timezone);
    if ('problem' in parsed) return { reply: say(parsed.problem) };
    const q = parsed;
    const pager = person?.role === 'lead' || person?.role === 'manager';
    if (q.page > 1 && !pager) return { reply: say('Only leads and managers can page through the history. Narrow it down instead: customer <text>, since <yyyy-mm-dd>, or a department.') };
    const now = this.deps.clock.now();
    const mine = (p: Participant | undefined) => p !== undefined && ((me.personId !== undefined && p.personId === me.personId) || (p.platform === me.platform && p.user === me.user));
    const needle = q.customer?.toLowerCase();
    const keep = (e: Escalation) =>
      (q.scope !== 'resolved' || e.status === 'resolved') &&
      (!q.mine || mine(e.owner) || mine(e.requester)) &&
      (!q.breached || isBreached(e, now)) &&
      (!q.department || e.department === q.department) &&
      (!needle || e.customer.toLowerCase().includes(needle));
    let records: Escalation[];
    let more: boolean;
    let total: number | undefined;
    try {
      if (q.scope === 'open') {
        const open = (await this.deps.store.listOpen(actor.tenant)).filter(keep);
        total = open.length;
        records = open.slice((q.page - 1) * PAGE_SIZE, q.page * PAGE_SIZE);
        more = open.length > q.page * PAGE_SIZE;
      } else {
        ({ records, more } = await this.deps.store.search(actor.tenant, { keep, offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, ...(q.since ? { since: q.since.at } : {}) }));
      }
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN_READ) };
      throw error;
    }
    const links = await this.deps.links.links(actor.tenant, records.map((e) => cardKey(e))).catch(() => new Map<string, string>());
    const view = {
      title: title(q, rules),
      records,
      links,
      footer: FOOTER,
      ...(q.scope === 'open' && q.page === 1 && !pager ? { total } : {}),
      ...(more && pager ? { nextPage: queryText(q, q.page + 1) } : {}),
      ...(more && !pager && q.scope !== 'open' ? { more: 'There are more. Narrow it down: customer <text> · since <yyyy-mm-dd> · a department.' } : {}),
    };
    return { reply: escalationList(view, rules, now) };
  }

  /** `/escalate show ESC-3`: the whole record and its timeline, privately. */
  async show(actor: Actor, id: string): Promise<Answer> {
    let record: Escalation | undefined;
    try {
      record = await this.deps.store.get(actor.tenant, id);
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(STORE_DOWN_READ) };
      throw error;
    }
    if (!record) return { reply: say(`There is no ${id} here.`) };
    const links = await this.deps.links.links(actor.tenant, [cardKey(record)]).catch(() => new Map<string, string>());
    return { reply: recordView(record, this.deps.rules(), links.get(cardKey(record)), this.deps.clock.now()) };
  }
}
