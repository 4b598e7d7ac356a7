/**
 * How people reach the features, in platform-neutral terms. A platform adapter parses its event
 * into one of these calls and renders the answer; features register the commands, actions and
 * forms they own.
 */
import type { Form, FormValues, Message, PlatformKind } from '../chat/message.js';

/** Who is asking, and where. */
export interface Actor {
  platform: PlatformKind;
  tenant: string;
  /** The platform's user id (Slack `U…`, Teams AAD object id, console person id). */
  user: string;
  /** The conversation the interaction happened in, when there is one. */
  conversation?: string;
  /** The person in the roster, when the user is in it. */
  personId?: string;
  /** The user's email, when the platform told it: the roster matches people by it when their platform id is not listed. */
  email?: string;
  /**
   * The platform's identity of this request, the same when the platform delivers it twice (Slack
   * `view.id` + `view.hash` of a submission, a command's `trigger_id`, a click's message + action +
   * `action_ts`; a Teams activity id). Interactions run once per identity; records made from a form
   * use it as their source key.
   */
  request?: string;
}

/**
 * Remembers which requests ran, for a while: `claim` is true for the first of a request identity
 * and false for a repeat; `release` forgets one whose work failed, so that a retry runs.
 */
export interface RequestLedger {
  claim(tenant: string, request: string): Promise<boolean>;
  release(tenant: string, request: string): Promise<void>;
}

/** The platform delivered a request that ran already: answer nothing, change nothing. */
export class DuplicateRequestError extends Error {
  constructor(readonly request: string) {
    super(`request ${request} was handled already`);
  }
}

/** What a command or a button press answers. */
export interface Answer {
  /** Shown to the person only. */
  reply?: Message;
  /** A form to open for the person. */
  form?: Form;
  /** The message the pressed one now reads as (platforms whose answer replaces the card use it). */
  update?: Message;
}

export type SubmitAnswer =
  | { ok: true; reply?: Message }
  /** Field id → problem; shown next to the fields. `_form` is a problem with the whole form. */
  | { ok: false; errors: Record<string, string> };

export interface CommandHandler {
  /** Command names without the slash, e.g. `escalate`. */
  names: string[];
  /** One line for `help`. */
  usage: string;
  run(actor: Actor, text: string, source?: SourceMessage): Promise<Answer>;
}

/** A message the interaction started from (a message shortcut, a reaction). */
export interface SourceMessage {
  conversation: string;
  id: string;
  /** When the message is a reply: its thread's first message. */
  threadRoot?: string;
  text: string;
  author?: string;
  link?: string;
}

export interface ActionHandler {
  /** The `actionId` prefix the handler owns, e.g. `escalation.`. */
  prefix: string;
  run(actor: Actor, actionId: string, value: string, values?: FormValues): Promise<Answer>;
}

export interface FormHandler {
  /** The form id prefix the handler owns, e.g. `escalation.`. */
  prefix: string;
  submit(actor: Actor, formId: string, values: FormValues, state: string | undefined): Promise<SubmitAnswer>;
}

export class UnknownInteractionError extends Error {}

/** The registry platforms call into. */
export class Interactions {
  private readonly commands = new Map<string, CommandHandler>();
  private readonly actions: ActionHandler[] = [];
  private readonly forms: FormHandler[] = [];
  private readonly observers: Array<(actor: Actor) => void> = [];
  private ledger: RequestLedger | undefined;
  private ledgerFailed: ((error: unknown) => void) | undefined;

  /**
   * Runs each request identity (`Actor.request`) once. When the ledger cannot answer (its store is
   * down) the request runs anyway: a rare duplicate beats refusing everyone during an outage.
   */
  useLedger(ledger: RequestLedger, failed?: (error: unknown) => void): void {
    this.ledger = ledger;
    this.ledgerFailed = failed;
  }

  /** Runs `work` once per request identity; a failure (or an answer `keep` refuses) forgets it, so a retry runs. */
  private async once<T>(actor: Actor, work: () => Promise<T>, keep: (result: T) => boolean = () => true): Promise<T> {
    const ledger = this.ledger;
    const request = actor.request;
    if (!ledger || !request) return work();
    let claimed: boolean;
    try {
      claimed = await ledger.claim(actor.tenant, request);
    } catch (error) {
      this.ledgerFailed?.(error);
      return work();
    }
    if (!claimed) throw new DuplicateRequestError(request);
    const forget = () => ledger.release(actor.tenant, request).catch((error: unknown) => this.ledgerFailed?.(error));
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await forget();
      throw error;
    }
    if (!keep(result)) await forget();
    return result;
  }

  /** Called with the actor of every interaction (e.g. to learn which tenants the organization uses). */
  onActor(observer: (actor: Actor) => void): void {
    this.observers.push(observer);
  }

  private observe(actor: Actor): void {
    for (const o of this.observers) o(actor);
  }

  addCommand(handler: CommandHandler): void {
    for (const name of handler.names) this.commands.set(name, handler);
  }

  addActions(handler: ActionHandler): void {
    this.actions.push(handler);
  }

  addForms(handler: FormHandler): void {
    this.forms.push(handler);
  }

  /** Command names and their usage, for help texts and manifests. */
  usage(): Array<{ name: string; usage: string }> {
    const seen = new Set<CommandHandler>();
    const out: Array<{ name: string; usage: string }> = [];
    for (const [name, handler] of this.commands) {
      if (seen.has(handler)) continue;
      seen.add(handler);
      out.push({ name, usage: handler.usage });
    }
    return out;
  }

  hasCommand(name: string): boolean {
    return this.commands.has(name);
  }

  async command(actor: Actor, name: string, text: string, source?: SourceMessage): Promise<Answer> {
    const handler = this.commands.get(name);
    if (!handler) throw new UnknownInteractionError(`unknown command "${name}"`);
    this.observe(actor);
    return this.once(actor, () => handler.run(actor, text, source));
  }

  async action(actor: Actor, actionId: string, value: string, values?: FormValues): Promise<Answer> {
    const handler = this.actions.find((h) => actionId.startsWith(h.prefix));
    if (!handler) throw new UnknownInteractionError(`unknown action "${actionId}"`);
    this.observe(actor);
    return this.once(actor, () => handler.run(actor, actionId, value, values));
  }

  async submit(actor: Actor, formId: string, values: FormValues, state?: string): Promise<SubmitAnswer> {
    const handler = this.forms.find((h) => formId.startsWith(h.prefix));
    if (!handler) throw new UnknownInteractionError(`unknown form "${formId}"`);
    this.observe(actor);
    // A refused submission (problems shown next to the fields) is forgotten: the corrected one
    // comes back with the same view id and hash on Slack, and must run.
    return this.once(actor, () => handler.submit(actor, formId, values, state), (answer) => answer.ok);
  }
}
