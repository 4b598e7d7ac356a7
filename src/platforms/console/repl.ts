/**
 * The console REPL: a person types commands as a chosen user (`as ana /escalate …`), sees the
 * bot's messages as text, presses buttons (`press 2`) and fills forms field by field.
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Form, FormField, FormValues } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { Actor, Answer, Interactions, SubmitAnswer } from '../../core/interactions.js';
import { CONSOLE_TENANT, type ConsolePlatform } from './console-platform.js';
import { fieldPrompt } from './render.js';

export const CONSOLE_CONVERSATION = '#console';

interface FormSession {
  form: Form;
  index: number;
  values: FormValues;
  complete: (values: FormValues) => Promise<SubmitAnswer>;
}

export interface ReplOptions {
  input: Readable;
  output: Writable;
  interactions: Interactions;
  people: readonly Person[];
  platform: ConsolePlatform;
  /** Called when the person types `quit` or input ends. */
  onExit: () => void;
  /** Lines printed before the greeting (e.g. which Redis is in use). */
  intro?: string[];
}

export class ConsoleRepl {
  private readonly rl: Interface;
  private person: Person;
  private session: FormSession | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly terminal: boolean;
  /** Lines typed and not yet handled: while one is handled, output needs no prompt redrawn. */
  private pending = 0;

  constructor(private readonly options: ReplOptions) {
    const first = options.people[0];
    if (!first) throw new Error('the roster is empty');
    this.person = first;
    this.terminal = (options.output as { isTTY?: boolean }).isTTY === true;
    this.rl = createInterface({ input: options.input, output: options.output, terminal: this.terminal });
    options.platform.formOpener = (form) => this.openForm(form, (values) => this.submitForm(form, values));
  }

  start(): void {
    const names = this.options.people.map((p) => p.id).join(', ');
    this.write([
      ...(this.options.intro ?? []),
      'Shiftlead console — try Shiftlead without Slack or Teams.',
      `You are ${this.person.name} (${this.person.id}). People: ${names}.`,
      'Type help to see what you can do.',
    ]);
    this.prompt();
    // Lines are handled one at a time, in order, even when handling one waits on Redis.
    this.rl.on('line', (line) => {
      this.pending += 1;
      this.queue = this.queue
        .then(() => this.handle(line.trim()))
        .catch((error: unknown) => this.write([`Something went wrong: ${error instanceof Error ? error.message : String(error)}`]))
        .then(() => {
          this.pending -= 1;
          this.prompt();
        });
    });
    this.rl.on('close', () => {
      this.closed = true;
      void this.queue.then(() => this.options.onExit());
    });
  }

  close(): void {
    this.closed = true;
    this.rl.close();
  }

  /** Prints lines above the prompt. */
  write(lines: string[]): void {
    const output = this.options.output;
    // A message that arrives while the person waits at the prompt goes above it, and the prompt
    // (with what they have typed so far) is drawn again below.
    const redraw = this.terminal && this.pending === 0 && !this.closed;
    if (redraw) {
      cursorTo(output, 0);
      clearLine(output, 0);
    }
    output.write(`${lines.join('\n')}\n`);
    if (redraw) this.prompt(true);
  }

  private prompt(keepInput = false): void {
    if (this.closed) return;
    if (this.session) {
      const field = this.session.form.fields[this.session.index];
      if (field) this.options.output.write(fieldPrompt(field));
      return;
    }
    this.rl.setPrompt(`${this.person.id}> `);
    this.rl.prompt(keepInput);
  }

  private actor(): Actor {
    return { platform: 'console', tenant: CONSOLE_TENANT, user: this.person.id, personId: this.person.id, conversation: CONSOLE_CONVERSATION };
  }

  private findPerson(name: string): Person | undefined {
    const needle = name.toLowerCase();
    return this.options.people.find((p) => p.id === needle || p.name.toLowerCase() === needle || p.name.toLowerCase().split(' ')[0] === needle);
  }

  private async handle(line: string): Promise<void> {
    if (this.session) return this.answerField(line);
    if (!line) return;
    const [word = '', ...rest] = line.split(/\s+/);
    const tail = line.slice(word.length).trim();
    switch (word.toLowerCase()) {
      case 'help':
      case '?':
        return this.help();
      case 'quit':
      case 'exit':
        this.close();
        return;
      case 'whoami':
        return this.write([`You are ${this.person.name} (${this.person.id}, ${this.person.role}, ${this.person.timezone}).`]);
      case 'people':
        return this.write(this.options.people.map((p) => `${p.id.padEnd(10)} ${p.name} — ${p.role}, ${p.timezone}`));
      case 'as': {
        const who = rest[0];
        const person = who ? this.findPerson(who) : undefined;
        if (!person) {
          return this.write([`No one called "${who ?? ''}" in the roster. People: ${this.options.people.map((p) => p.id).join(', ')}.`]);
        }
        this.person = person;
        const command = tail.slice((who ?? '').length).trim();
        if (command) return this.handle(command);
        return this.write([`You are now ${person.name} (${person.id}).`]);
      }
      case 'press':
        return this.press(rest);
      default:
        if (word.startsWith('/')) return this.command(word.slice(1).toLowerCase(), tail);
        return this.write([`Unknown command "${word}". Type help to see what you can do, or /escalate to raise an escalation.`]);
    }
  }

  private help(): void {
    const commands = this.options.interactions.usage().map((c) => `  /${c.name.padEnd(14)} ${c.usage}`);
    this.write([
      'What you can do:',
      ...commands,
      '  press <n>           press button n of the newest message with buttons',
      '  press <m3> <n>      press button n of message m3',
      '  as <person> [cmd]   act as someone from the roster (e.g. as ana /escalate printer on fire)',
      '  whoami, people      who you are; everyone in the roster',
      '  help, quit',
      'While filling a form: answer each field; Enter skips an optional one; "cancel" stops.',
    ]);
  }

  private async command(name: string, text: string): Promise<void> {
    if (!this.options.interactions.hasCommand(name)) {
      const known = this.options.interactions.usage().map((c) => `/${c.name}`).join(', ');
      return this.write([`There is no /${name} command. Commands: ${known || '(none)'}. Type help for more.`]);
    }
    this.show(await this.options.interactions.command(this.actor(), name, text));
  }

  private async press(args: string[]): Promise<void> {
    const [first, second] = args;
    const messageId = second !== undefined ? first : undefined;
    const index = Number(second ?? first);
    const message = this.options.platform.message(messageId);
    if (!message) return this.write([messageId ? `No message ${messageId}.` : 'No message with buttons yet.']);
    const button = Number.isInteger(index) ? message.buttons[index - 1] : undefined;
    if (message.buttons.length === 0) return this.write([`Message ${message.id} has no buttons.`]);
    if (!button) return this.write([`Message ${message.id} has buttons 1–${message.buttons.length}; "press ${message.id} <n>".`]);
    const actor = { ...this.actor(), conversation: message.conversation };
    if (button.form) {
      return this.openForm(button.form, async (values) => {
        this.show(await this.options.interactions.action(actor, button.actionId, button.value, values));
        return { ok: true };
      });
    }
    this.show(await this.options.interactions.action(actor, button.actionId, button.value));
  }

  private show(answer: Answer): void {
    if (answer.reply) this.options.platform.reply(answer.reply);
    if (answer.form) this.openForm(answer.form, (values) => this.submitForm(answer.form as Form, values));
  }

  private submitForm(form: Form, values: FormValues): Promise<SubmitAnswer> {
    return this.options.interactions.submit(this.actor(), form.id, values, form.state);
  }

  private openForm(form: Form, complete: FormSession['complete']): void {
    this.write([`— ${form.title} — (type "cancel" to stop)`]);
    this.session = { form, index: 0, values: {}, complete };
  }

  private checkField(field: FormField, raw: string): { value?: string; problem?: string } {
    const answer = raw || field.initial || '';
    if (!answer) return field.required ? { problem: `${field.label} is required.` } : {};
    if (field.maxLength !== undefined && answer.length > field.maxLength) {
      return { problem: `${field.label} is too long (${answer.length} characters; at most ${field.maxLength}).` };
    }
    if (field.kind === 'select') {
      const options = field.options ?? [];
      // A scale (0–10, 1–5) is answered with the value itself; other lists by value, label or number.
      const scale = options.every((o) => /^\d+$/.test(o.value));
      const match = options.find((o) => o.value.toLowerCase() === answer.toLowerCase() || o.label.toLowerCase() === answer.toLowerCase()) ?? (scale ? undefined : options[Number(answer) - 1]);
      return match ? { value: match.value } : { problem: scale ? `Type ${options[0]?.value}–${options.at(-1)?.value}.` : `Pick 1–${options.length}.` };
    }
    if (field.kind === 'user') {
      const person = this.findPerson(answer);
      return person ? { value: person.id } : { problem: `No one called "${answer}". People: ${this.options.people.map((p) => p.id).join(', ')}.` };
    }
    return { value: answer };
  }

  private async answerField(line: string): Promise<void> {
    const session = this.session as FormSession;
    if (line.toLowerCase() === 'cancel') {
      this.session = undefined;
      return this.write(['Cancelled; nothing was saved.']);
    }
    const field = session.form.fields[session.index] as FormField;
    const { value, problem } = this.checkField(field, line);
    if (problem) return this.write([problem]);
    if (value !== undefined) session.values[field.id] = value;
    else delete session.values[field.id];
    session.index += 1;
    if (session.index < session.form.fields.length) return;
    this.session = undefined;
    const result = await session.complete(session.values);
    if (result.ok) {
      if (result.reply) this.options.platform.reply(result.reply);
      return;
    }
    const problems = Object.entries(result.errors);
    this.write(['Please fix:', ...problems.map(([id, p]) => `  ${session.form.fields.find((f) => f.id === id)?.label ?? 'Form'}: ${p}`)]);
    // Ask again for the fields with problems, keeping the other answers.
    const retry = session.form.fields.filter((f) => result.errors[f.id] !== undefined);
    if (retry.length === 0) return;
    const keep = Object.fromEntries(Object.entries(session.values).filter(([id]) => result.errors[id] === undefined));
    this.session = { form: { ...session.form, fields: retry.map((f) => ({ ...f, initial: undefined })) }, index: 0, values: keep, complete: session.complete };
  }
}

