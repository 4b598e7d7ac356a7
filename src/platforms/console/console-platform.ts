/**
 * The console platform: a `ChatPlatform` that prints to the terminal. It keeps the messages it
 * printed so that `press` can find their buttons, and hands forms to the REPL to fill in.
 */
import type { Button, Form, Message } from '../../chat/message.js';
import type { ChatPlatform, MessageRef } from '../../chat/platform.js';
import { CONSOLE_PACING } from '../rate-limits.js';
import { renderMessage } from './render.js';

export const CONSOLE_TENANT = 'console-local';

export interface PrintedMessage {
  id: string;
  conversation: string;
  buttons: Button[];
}

export interface ConsoleOutput {
  /** Prints a block of lines (the REPL redraws its prompt after). */
  print(lines: string[]): void;
}

export class ConsolePlatform implements ChatPlatform {
  readonly kind = 'console' as const;
  readonly pacing = CONSOLE_PACING;
  private readonly printed = new Map<string, PrintedMessage>();
  private counter = 0;
  private lastWithButtons: string | undefined;
  /** Set by the REPL: opens a form for the console user. */
  formOpener: ((form: Form) => void) | undefined;

  constructor(
    private readonly out: ConsoleOutput,
    /** Person id → display name, for "DM to …" headers. */
    private readonly names: (user: string) => string,
  ) {}

  private show(id: string, heading: string, conversation: string, message: Message, replyTo?: string): void {
    const { lines, buttons } = renderMessage(message);
    this.printed.set(id, { id, conversation, buttons });
    if (buttons.length > 0) this.lastWithButtons = id;
    const where = replyTo ? `${heading} · reply to ${replyTo}` : heading;
    this.out.print([`┌ ${where} · ${id}`, ...lines.map((l) => `│ ${l}`), buttons.length > 0 ? `└ press ${id} <n>` : '└']);
  }

  async post(_tenant: string, conversation: string, message: Message, thread?: MessageRef): Promise<MessageRef> {
    const id = `m${++this.counter}`;
    this.show(id, conversation, conversation, message, thread?.id);
    return { conversation, id };
  }

  async update(_tenant: string, ref: MessageRef, message: Message): Promise<void> {
    this.show(ref.id, `${ref.conversation} (updated)`, ref.conversation, message);
  }

  async dm(_tenant: string, user: string, message: Message): Promise<MessageRef> {
    const id = `m${++this.counter}`;
    const conversation = `@${user}`;
    this.show(id, `DM to ${this.names(user)}`, conversation, message);
    return { conversation, id };
  }

  async whisper(_tenant: string, conversation: string, user: string, message: Message): Promise<void> {
    const id = `m${++this.counter}`;
    this.show(id, `only ${this.names(user)} sees this, in ${conversation}`, conversation, message);
  }

  async openForm(_tenant: string, _trigger: string, form: Form): Promise<void> {
    this.formOpener?.(form);
  }

  /** Shows a private answer right away (not through the outbox: it answers the person typing). */
  reply(message: Message, heading = 'Shiftlead'): void {
    const id = `m${++this.counter}`;
    this.show(id, heading, '(you)', message);
  }

  /** A printed message by id, or the newest one with buttons. */
  message(id?: string): PrintedMessage | undefined {
    const key = id ?? this.lastWithButtons;
    return key ? this.printed.get(key) : undefined;
  }
}
