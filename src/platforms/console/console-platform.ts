/**
 * The console platform: a `ChatPlatform` that prints to the terminal. Message ids are unique per
 * Redis and the buttons of printed messages are kept there, so that `press m4 ack` and
 * `press ESC-3 ack` still work after a restart. Times show in the reader's own time zone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeText, type Button, type Form, type Message } from '../../chat/message.js';
import type { ChatPlatform, MessageRef, OutgoingFile } from '../../chat/platform.js';
import { CONSOLE_PACING } from '../rate-limits.js';
import { buttonNames, renderMessage } from './render.js';

export const CONSOLE_TENANT = 'console-local';

/** A printed message's buttons (without their forms: the feature is asked for those on press). */
export interface PrintedMessage {
  id: string;
  conversation: string;
  buttons: Array<Pick<Button, 'actionId' | 'label' | 'value'>>;
}

/** Where printed messages are remembered (Redis; the port keeps the platform free of it). */
export interface ConsoleMessages {
  /** A new message id, unique for this store (`m1`, `m2`, …, across restarts). */
  nextId(): Promise<string>;
  /** Remembers a printed message and its buttons. */
  save(message: PrintedMessage): Promise<void>;
  /** A printed message by id. */
  get(id: string): Promise<PrintedMessage | undefined>;
  /** Messages whose buttons carry `handle` as their value (a record id such as ESC-3), newest first. */
  byHandle(handle: string): Promise<PrintedMessage[]>;
}

export interface ConsoleOutput {
  /** Prints a block of lines (the REPL redraws its prompt after). */
  print(lines: string[]): void;
}

export interface ConsoleDeps {
  out: ConsoleOutput;
  store: ConsoleMessages;
  /** Person id → display name, for "DM to …" headers. */
  name(user: string): string;
  /** Person id → IANA time zone (undefined: the machine's). */
  zone(user: string): string | undefined;
  /** Where files (exports) are written; default ./exports. */
  fileDir?: string;
}

export class ConsolePlatform implements ChatPlatform {
  readonly kind = 'console' as const;
  readonly pacing = CONSOLE_PACING;
  /** Messages printed by this process (also the fallback when Redis is unreachable). */
  private readonly printed = new Map<string, PrintedMessage>();
  private newestWithButtons: string | undefined;
  private local = 0;
  /** Set by the REPL: opens a form for the console user. */
  formOpener: ((form: Form) => void) | undefined;
  /** Set by the REPL: who sits at the terminal (channel messages show in their time zone). */
  viewer: string | undefined;

  constructor(private readonly deps: ConsoleDeps) {}

  private async newId(): Promise<string> {
    // Without Redis, a private answer must still print: a temporary id.
    return this.deps.store.nextId().catch(() => `t${++this.local}`);
  }

  private async show(id: string, heading: string, conversation: string, message: Message, reader: string | undefined, replyTo?: string): Promise<void> {
    const zone = reader ? this.deps.zone(reader) : undefined;
    const { lines, buttons } = renderMessage(message, zone);
    const printed: PrintedMessage = { id, conversation, buttons: buttons.map((b) => ({ actionId: b.actionId, label: b.label, value: b.value })) };
    this.printed.set(id, printed);
    if (buttons.length > 0) {
      this.newestWithButtons = id;
      await this.deps.store.save(printed).catch(() => undefined);
    }
    const where = replyTo ? `${heading} · reply to ${replyTo}` : heading;
    const names = buttonNames(buttons);
    const footer = buttons.length > 0 ? `└ press ${id} <button>: ${names.join(', ')} (a unique start will do, or a number 1–${buttons.length})` : '└';
    this.deps.out.print([`┌ ${where} · ${id}`, ...lines.map((l) => `│ ${l}`), footer]);
  }

  async post(_tenant: string, conversation: string, message: Message, thread?: MessageRef): Promise<MessageRef> {
    const id = await this.newId();
    await this.show(id, conversation, conversation, message, this.viewer, thread?.id);
    return { conversation, id };
  }

  async update(_tenant: string, ref: MessageRef, message: Message): Promise<void> {
    await this.show(ref.id, `${ref.conversation} (updated)`, ref.conversation, message, this.viewer);
  }

  async dm(_tenant: string, user: string, message: Message): Promise<MessageRef> {
    const id = await this.newId();
    const conversation = `@${user}`;
    await this.show(id, `DM to ${this.deps.name(user)}`, conversation, message, user);
    return { conversation, id };
  }

  async whisper(_tenant: string, conversation: string, user: string, message: Message): Promise<void> {
    const id = await this.newId();
    await this.show(id, `only ${this.deps.name(user)} sees this, in ${conversation}`, conversation, message, user);
  }

  async openForm(_tenant: string, _trigger: string, form: Form): Promise<void> {
    this.formOpener?.(form);
  }

  /** A terminal's files are files: written under ./exports, their paths printed to the person. */
  async sendFile(tenant: string, user: string, files: readonly OutgoingFile[], comment: string): Promise<void> {
    const dir = resolve(this.deps.fileDir ?? 'exports');
    await mkdir(dir, { recursive: true });
    const paths: string[] = [];
    for (const file of files) {
      const path = join(dir, file.name);
      await writeFile(path, file.content, 'utf8');
      paths.push(path);
    }
    await this.dm(tenant, user, { text: comment, blocks: [{ type: 'section', text: comment }, ...paths.map((p) => ({ type: 'section' as const, text: `📎 ${escapeText(p)}` }))] });
  }

  /** The console has no Home tab: /home prints the page. */
  async publishHome(): Promise<void> {}

  /** Shows a private answer right away (not through the outbox: it answers the person typing). */
  async reply(message: Message, heading = 'Shiftlead'): Promise<void> {
    await this.show(await this.newId(), heading, '(you)', message, this.viewer);
  }

  /**
   * A printed message: by id (`m4`), by what its buttons act on (`ESC-3`: the newest such message
   * that has `wanted`, when given), or the newest one with buttons.
   */
  async message(ref?: string, wanted?: (m: PrintedMessage) => boolean): Promise<PrintedMessage | undefined> {
    if (ref === undefined) return this.newestWithButtons ? this.printed.get(this.newestWithButtons) : undefined;
    if (/^[mt]\d+$/i.test(ref)) {
      const id = ref.toLowerCase();
      return this.printed.get(id) ?? (await this.deps.store.get(id).catch(() => undefined));
    }
    const found = await this.deps.store.byHandle(ref).catch(() => [...this.printed.values()].reverse().filter((m) => m.buttons.some((b) => b.value === ref)));
    return found.find((m) => !wanted || wanted(m)) ?? found[0];
  }
}
