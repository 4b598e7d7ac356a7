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
    return handler.run(actor, text, source);
  }

  async action(actor: Actor, actionId: string, value: string, values?: FormValues): Promise<Answer> {
    const handler = this.actions.find((h) => actionId.startsWith(h.prefix));
    if (!handler) throw new UnknownInteractionError(`unknown action "${actionId}"`);
    this.observe(actor);
    return handler.run(actor, actionId, value, values);
  }

  async submit(actor: Actor, formId: string, values: FormValues, state?: string): Promise<SubmitAnswer> {
    const handler = this.forms.find((h) => formId.startsWith(h.prefix));
    if (!handler) throw new UnknownInteractionError(`unknown form "${formId}"`);
    this.observe(actor);
    return handler.submit(actor, formId, values, state);
  }
}
