/**
 * The poll use cases: create (`/poll`, `/csat`), vote, close (by button, by timer, by upkeep),
 * and the coalesced summary refresh. Votes are counted by the store in one atomic step; the
 * message is updated at most once per refresh window (REFRESH_EVERY_MS) by a timer whose id is
 * derived from the window, however many votes arrive in it.
 */
import type { Delivery } from '../../chat/delivery.js';
import { escapeText, type Message } from '../../chat/message.js';
import { isStoreDown } from '../escalations/service.js';
import type { Actor, Answer } from '../interactions.js';
import type { Clock, Outbox, Timers } from '../ports.js';
import type { Participant } from '../roster.js';
import { localDate } from '../schedule/local-time.js';
import type { Settings } from '../settings.js';
import type { MetricsSink } from './metrics-sink.js';
import { RATING_LABELS, REFRESH_EVERY_MS, type NewPoll, type PollState, type PollStore } from './poll-model.js';
import { optionLabel, POLL_KEY, pollMessage, resultLine, say, totals } from './poll-messages.js';
import { parseCsat, parsePoll } from './poll-parse.js';

export const POLL_CLOSE_TIMER = 'poll.close';
export const POLL_REFRESH_TIMER = 'poll.refresh';
/** The final version of a poll's message: newer than any refresh, so a late refresh never undoes it. */
const FINAL_VERSION = 2 ** 50;

const VOTE_DOWN = 'Shiftlead could not count your vote right now (its database is unreachable). Nothing was counted — please press again in a minute.';
const SAVE_DOWN = 'Shiftlead could not create the poll right now (its database is unreachable). Nothing was posted — please try again in a minute.';

export interface PollDeps {
  store: PollStore;
  outbox: Outbox;
  timers: Timers;
  clock: Clock;
  settings: Settings;
  metrics: MetricsSink;
  /** Reports effects that could not be queued (upkeep retries them). */
  onEffectsFailed?: (error: unknown, tenant: string, id: string) => void;
}

const closeTimerId = (tenant: string, id: string) => `poll-close-${tenant}-${id}`;
const refreshTimerId = (tenant: string, id: string, window: number) => `poll-refresh-${tenant}-${id}-w${window}`;

export class PollService {
  constructor(private readonly deps: PollDeps) {}

  private get roster() {
    return this.deps.settings.roster;
  }

  private participant(actor: Actor): Participant {
    return this.roster.participant(actor.platform, actor.user, undefined, actor.email);
  }

  /** The person's own time zone (for `--closes 17:00`), else the organization's. */
  private zoneOf(actor: Actor): string {
    return this.roster.find(actor.platform, actor.user, actor.email)?.timezone ?? this.deps.settings.config.organization.timezone;
  }

  /** The department whose channel a conversation is, on a platform. */
  private departmentOf(platform: Actor['platform'], conversation: string): string | undefined {
    return this.deps.settings.config.departments.find((d) => d.channels[platform] === conversation)?.id;
  }

  /** `/poll …` and `/csat …`: validate, store, post; a problem is answered privately and nothing is posted. */
  async create(actor: Actor, text: string, kind: 'choice' | 'rating'): Promise<Answer> {
    const now = this.deps.clock.now();
    if (!actor.conversation) return { reply: say('Run the command in the channel where the poll should go.') };
    const parsed = kind === 'rating' ? parseCsat(text, now, this.zoneOf(actor)) : parsePoll(text, now, this.zoneOf(actor));
    if (!parsed.ok) return { reply: say(escapeText(parsed.message)) };
    const { request } = parsed;
    const department = this.departmentOf(actor.platform, actor.conversation);
    const draft: NewPoll = {
      tenant: actor.tenant,
      platform: actor.platform,
      kind,
      question: request.question,
      options: kind === 'rating' ? [...RATING_LABELS] : request.options,
      anonymous: request.anonymous,
      creator: this.participant(actor),
      conversation: actor.conversation,
      createdAt: now.toISOString(),
      closesAt: request.closesAt.toISOString(),
      ...(department ? { department } : {}),
    };
    try {
      const poll = await this.deps.store.create(draft);
      const state: PollState = { poll, status: 'open', counts: poll.options.map(() => 0) };
      await this.deps.outbox.enqueue([this.send(state, 'post', { kind: 'conversation', conversation: poll.conversation }, pollMessage(state, this.roster), POLL_KEY(poll.id))]);
      await this.deps.timers.schedule(closeTimerId(poll.tenant, poll.id), request.closesAt, { kind: POLL_CLOSE_TIMER, tenant: poll.tenant, id: poll.id });
      // Nothing to say: the poll itself appears in the channel.
      return {};
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(SAVE_DOWN) };
      throw error;
    }
  }

  private send(state: PollState, part: string, target: Delivery['target'], message: Message, saveAs?: string): Delivery {
    const { poll } = state;
    return { key: `${poll.tenant}.poll.${poll.id}.${part}`, tenant: poll.tenant, platform: poll.platform, target, message, ...(saveAs ? { saveAs } : {}) };
  }

  /** A vote button: counted once per person (pressing another changes it); told privately what counts. */
  async vote(actor: Actor, value: string): Promise<Answer> {
    const [id = '', raw = ''] = value.split(' ');
    const option = Number(raw);
    const now = this.deps.clock.now();
    const window = Math.floor(now.getTime() / REFRESH_EVERY_MS);
    let outcome;
    try {
      outcome = await this.deps.store.vote(actor.tenant, id, `${actor.platform}:${actor.user}`, option, now, window);
    } catch (error) {
      if (isStoreDown(error)) return { reply: say(VOTE_DOWN) };
      throw error;
    }
    switch (outcome.result) {
      case 'unknown':
        return { reply: say(`There is no poll ${escapeText(id)} here.`) };
      case 'closed':
        return { reply: say(`${escapeText(id)} is closed; votes are no longer counted. Thanks anyway!`) };
      case 'invalid':
        return { reply: say(`That option is not on ${escapeText(id)}.`) };
      default:
        break;
    }
    if (outcome.refresh) {
      const at = new Date((window + 1) * REFRESH_EVERY_MS);
      // The vote is counted whatever happens here; a later vote (or the close) refreshes the summary.
      await this.deps.timers.schedule(refreshTimerId(actor.tenant, id, window), at, { kind: POLL_REFRESH_TIMER, tenant: actor.tenant, id, window }).catch((error: unknown) => this.deps.onEffectsFailed?.(error, actor.tenant, id));
    }
    const label = optionLabel(outcome, option);
    const what = outcome.poll.kind === 'rating' ? `${option} (${RATING_LABELS[option - 1] ?? ''})` : `**${escapeText(label)}**`;
    return { reply: say(`You voted ${what} — press another to change it.`) };
  }

  /** **Close poll**: its creator, leads and managers. */
  async closePress(actor: Actor, id: string): Promise<Answer> {
    try {
      const state = await this.deps.store.get(actor.tenant, id);
      if (!state) return { reply: say(`There is no poll ${escapeText(id)} here.`) };
      const who = this.participant(actor);
      const role = this.roster.byId(who.personId)?.role ?? 'agent';
      const creator = state.poll.creator;
      const isCreator = (who.personId !== undefined && who.personId === creator.personId) || (who.platform === creator.platform && who.user === creator.user);
      if (!isCreator && role === 'agent') return { reply: say(`Only the poll's creator, a lead or a manager can close ${id}.`) };
      const closed = await this.close(actor.tenant, id, who);
      return { reply: say(closed === 'closed' ? `Closed ${id}; the final results are on the poll.` : `${id} was already closed.`) };
    } catch (error) {
      if (isStoreDown(error)) return { reply: say('Shiftlead could not close the poll right now (its database is unreachable). Please try again in a minute.') };
      throw error;
    }
  }

  /** Closes a poll (by a person, or by its timer when `by` is undefined) and queues its final effects. */
  async close(tenant: string, id: string, by?: Participant): Promise<'closed' | 'already' | 'unknown'> {
    const result = await this.deps.store.close(tenant, id, by, this.deps.clock.now());
    if (!result) return 'unknown';
    if (result.closedNow) await this.finish(result.state);
    return result.closedNow ? 'closed' : 'already';
  }

  /** The final results on the message, the result line in its thread, the CSAT metric; then settled. */
  private async finish(state: PollState): Promise<void> {
    const { poll } = state;
    try {
      await this.deps.outbox.enqueue([
        this.send(state, 'final', { kind: 'update', of: POLL_KEY(poll.id), version: FINAL_VERSION }, pollMessage(state, this.roster)),
        this.send(state, 'result', { kind: 'reply', to: POLL_KEY(poll.id) }, resultLine(state)),
      ]);
      const { responses, average } = totals(state);
      if (poll.kind === 'rating' && average !== undefined) {
        const date = localDate(new Date(state.closedAt ?? poll.closesAt), this.deps.settings.config.organization.timezone);
        await this.deps.metrics.record({ id: `poll.${poll.tenant}.${poll.id}`, metric: 'csat', date, value: average, count: responses, source: 'poll', ...(poll.department ? { department: poll.department } : {}) });
      }
      await this.deps.timers.cancel([closeTimerId(poll.tenant, poll.id)]);
      await this.deps.store.settle(poll.tenant, poll.id);
    } catch (error) {
      this.deps.onEffectsFailed?.(error, poll.tenant, poll.id);
    }
  }

  /**
   * A refresh timer: the summary as it is now. Timers fire a little early or late and can bunch
   * up, so each first claims the update (at least REFRESH_EVERY_MS after the last); one that may
   * not update yet hands over to a timer at the moment it may (its id names that moment, so
   * bunched timers hand over to one).
   */
  async refresh(tenant: string, id: string): Promise<void> {
    const now = this.deps.clock.now();
    const claim = await this.deps.store.claimRefresh(tenant, id, now, REFRESH_EVERY_MS);
    if (claim === 'closed') return;
    if (!claim.granted) {
      await this.deps.timers.schedule(`poll-refresh-${tenant}-${id}-t${claim.nextAt}`, new Date(claim.nextAt), { kind: POLL_REFRESH_TIMER, tenant, id });
      return;
    }
    const state = await this.deps.store.get(tenant, id);
    if (!state || state.status !== 'open') return;
    // Granted updates are at least REFRESH_EVERY_MS apart, so their windows only grow.
    const version = Math.floor(now.getTime() / REFRESH_EVERY_MS);
    await this.deps.outbox.enqueue([this.send(state, `w${version}`, { kind: 'update', of: POLL_KEY(id), version }, pollMessage(state, this.roster))]);
  }

  /** Closes polls whose timer was lost and re-queues effects a crash left unqueued. */
  async upkeep(): Promise<void> {
    const now = this.deps.clock.now();
    for (const tenant of await this.deps.store.tenants()) {
      const { toClose, unsettled } = await this.deps.store.overdue(tenant, now, 60_000);
      for (const id of toClose) await this.close(tenant, id);
      for (const id of unsettled) {
        const state = await this.deps.store.get(tenant, id);
        if (state?.status === 'closed') await this.finish(state);
      }
    }
  }
}
