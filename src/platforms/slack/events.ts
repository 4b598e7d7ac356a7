/**
 * Slack events: accepted at the door (queued under their `event_id`, so Slack's retries are one
 * job), processed by a worker: a reaction escalates a message, uninstalls forget tokens, opening
 * the app shows the Home tab.
 */
import type { Message } from '../../chat/message.js';
import { truncate } from '../../chat/truncate.js';
import type { EscalationRules } from '../../core/escalations/rules.js';
import type { EscalationService } from '../../core/escalations/service.js';
import type { Actor, Interactions } from '../../core/interactions.js';
import type { Queues } from '../../jobs/queues.js';
import type { Logger } from '../../log.js';
import type { SlackPlatform } from './slack-platform.js';
import { tenantOfBody } from './tenant.js';

const HANDLED = new Set(['reaction_added', 'app_uninstalled', 'tokens_revoked', 'app_home_opened']);

interface EventBody {
  event_id?: string;
  event?: Record<string, unknown> & { type?: string };
}

/** The door: queue an event callback once per event id; anything Shiftlead doesn't handle is dropped. */
export class SlackEventIntake {
  constructor(private readonly queues: Queues) {}

  /** Throws when the event could not be queued (the caller answers 500 so that Slack retries). */
  async accept(body: Record<string, unknown>): Promise<'queued' | 'ignored'> {
    const { event, event_id: eventId } = body as EventBody;
    const kind = event?.type;
    if (!kind || !HANDLED.has(kind) || !eventId) return 'ignored';
    const tenant = tenantOfBody(body);
    // BullMQ ignores a job id it has seen: a retried delivery (same event_id) is one job.
    await this.queues.add('events', kind, { platform: 'slack', tenant, kind, body }, { jobId: `slack-${eventId.replace(/[^A-Za-z0-9_-]/g, '_')}` });
    return 'queued';
  }
}

export interface SlackEventDeps {
  platform: SlackPlatform;
  escalations: EscalationService;
  rules: () => EscalationRules;
  interactions: Interactions;
  log: Logger;
}

const baseEmoji = (name: string) => name.split('::')[0] ?? name;

function firstLine(text: string): string {
  return truncate(text.split('\n').find((l) => l.trim())?.trim() ?? '', 150);
}

export function createSlackEventProcessor(deps: SlackEventDeps) {
  const { platform, escalations } = deps;

  async function reaction(tenant: string, event: Record<string, unknown>): Promise<void> {
    const rules = deps.rules();
    const item = event['item'] as { type?: string; channel?: string; ts?: string } | undefined;
    const user = event['user'] as string | undefined;
    const settings = rules.config.escalations.reaction;
    if (item?.type !== 'message' || !item.channel || !item.ts || !user) return;
    if (baseEmoji(String(event['reaction'] ?? '')) !== settings.emoji || !settings.channels.includes(item.channel)) return;

    const found = await platform.call<{ message?: { text?: string; ts?: string; thread_ts?: string; permalink?: string } }>(tenant, 'reactions.get', { channel: item.channel, timestamp: item.ts, full: true });
    const text = found.message?.text ?? '';
    const link = found.message?.permalink;
    const threadRoot = found.message?.thread_ts && found.message.thread_ts !== item.ts ? found.message.thread_ts : undefined;
    const department = settings.department ?? rules.departments.find((d) => d.channels.slack === item.channel)?.id ?? (rules.departments[0]?.id as string);
    const severity = settings.severity ?? (rules.severities[rules.severities.length - 1]?.id as string);
    const actor: Actor = { platform: 'slack', tenant, user, conversation: item.channel };
    const result = await escalations.create(
      actor,
      { customer: '—', severity, department, summary: firstLine(text) || 'Escalated message', ...(text ? { details: text } : {}) },
      {
        origin: item.channel,
        source: { conversation: item.channel, id: item.ts, ...(threadRoot ? { threadRoot } : {}), ...(link ? { link } : {}) },
        sourceCard: true,
        sourceKey: `slack-msg-${item.channel}-${item.ts}`,
      },
    );
    if (!result.created) {
      const note: Message = { text: `This message is already ${result.id}.`, blocks: [{ type: 'section', text: `This message is already escalated as **${result.id}**.` }] };
      await platform.whisper(tenant, item.channel, user, note).catch(() => undefined);
    }
  }

  /** The App Home was opened: the Home feature publishes the page (coalesced, and only when it changed). */
  async function home(tenant: string, event: Record<string, unknown>): Promise<void> {
    const user = event['user'] as string | undefined;
    if (event['tab'] !== 'home' || !user) return;
    await deps.interactions.action({ platform: 'slack', tenant, user }, 'home.opened', '');
  }

  return async function processSlackEvent(tenant: string, kind: string, body: Record<string, unknown>): Promise<void> {
    const event = (body['event'] ?? {}) as Record<string, unknown>;
    switch (kind) {
      case 'reaction_added':
        return reaction(tenant, event);
      case 'app_home_opened':
        return home(tenant, event);
      case 'app_uninstalled':
        deps.log.info({ tenant }, 'Slack app uninstalled; forgetting its tokens');
        return platform.tokens.forget(tenant);
      case 'tokens_revoked': {
        const bots = (event['tokens'] as { bot?: string[] } | undefined)?.bot ?? [];
        if (bots.length > 0) {
          deps.log.info({ tenant }, 'Slack bot token revoked; forgetting it');
          await platform.tokens.forget(tenant);
        }
        return;
      }
      default:
        return;
    }
  };
}
