/**
 * The console REPL: a person types commands (`/escalate …`), sees the bot's messages as text,
 * presses buttons by name (`press m4 ack`, `press ESC-3 resolve`) and fills forms field by field.
 * `as ben <command>` runs one command as someone else; `as ben` alone switches to them.
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Form } from '../../chat/message.js';
import type { Person } from '../../config/team-config-schema.js';
import type { Actor, Answer, Interactions } from '../../core/interactions.js';
import type { Settings } from '../../core/settings.js';
import { CONSOLE_TENANT, type ConsolePlatform, type PrintedMessage } from './console-platform.js';
import { findPerson, FormSession } from './form-session.js';
import { buttonNames, fieldPrompt, findButton } from './render.js';

export const CONSOLE_CONVERSATION = '#console';

export interface ReplOptions {
  input: Readable;
  output: Writable;
  interactions: Interactions;
  settings: Settings;
  platform: ConsolePlatform;
  /** Called when the person types `quit` or input ends. */
  onExit: () => void;
  /** Lines printed before the greeting (e.g. which Redis is in use). */
  intro?: string[];
}

const roles = (p: Person) => `${p.id} (${p.name}, ${p.role}, ${p.timezone})`;

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
    const first = this.people[0];
    if (!first) throw new Error('the roster is empty');
    this.person = first;
    options.platform.viewer = first.id;
    this.terminal = (options.output as { isTTY?: boolean }).isTTY === true;
    this.rl = createInterface({ input: options.input, output: options.output, terminal: this.terminal });
    options.platform.formOpener = (form) => this.openForm(form, this.actor());
  }

  private get people(): readonly Person[] {
    return this.options.settings.roster.people;
  }

  start(): void {
    this.write([
      ...(this.options.intro ?? []),
      'Shiftlead console — try Shiftlead without Slack or Teams.',
      `You are ${this.person.name} (${this.person.id}). People: ${this.people.map((p) => p.id).join(', ')}.`,
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
    const field = this.session?.field;
    if (field) {
      this.options.output.write(fieldPrompt(field));
      return;
    }
    this.rl.setPrompt(`${this.person.id}> `);
    this.rl.prompt(keepInput);
  }

  private actor(): Actor {
    return { platform: 'console', tenant: CONSOLE_TENANT, user: this.person.id, personId: this.person.id, conversation: CONSOLE_CONVERSATION };
  }

  private become(person: Person): void {
    this.person = person;
    this.options.platform.viewer = person.id;
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
        return this.write([`You are ${roles(this.person)}.`]);
      case 'people':
        return this.write(this.people.map((p) => `${p.id.padEnd(10)} ${p.name} — ${p.role}, ${p.timezone}`));
      case 'as':
        return this.as(tail);
      case 'press':
        return this.press(rest);
      default:
        if (word.startsWith('/')) return this.command(word.slice(1).toLowerCase(), tail);
        return this.write([`Unknown command "${word}". Type help to see what you can do, or /escalate to raise an escalation.`]);
    }
  }

  /** `as` (who am I), `as ben` (switch), `as ben <command>` or `as "Ben Okafor" <command>` (just that once). */
  private async as(rest: string): Promise<void> {
    if (!rest) {
      return this.write([`You are ${roles(this.person)}.`, `You can be: ${this.people.map(roles).join('; ')}.`, 'as <person> switches; as <person> <command> runs one command as them.']);
    }
    let who: string;
    let command: string;
    if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end < 0) return this.write([`Close the quotes: as "${rest.slice(1)}"`]);
      [who, command] = [rest.slice(1, end), rest.slice(end + 1).trim()];
    } else {
      who = rest.split(/\s+/)[0] ?? '';
      command = rest.slice(who.length).trim();
    }
    const person = findPerson(this.people, who);
    if (!person) return this.write([`No one called "${who}" in the roster. People: ${this.people.map((p) => p.id).join(', ')}.`]);
    if (!command) {
      this.become(person);
      return this.write([`You are now ${person.name} (${person.id}); your commands run as ${person.id} until you switch again.`]);
    }
    const previous = this.person;
    this.become(person);
    try {
      await this.handle(command);
    } finally {
      this.become(previous);
    }
  }

  private help(): void {
    const commands = this.options.interactions.usage().map((c) => `  /${c.name.padEnd(14)} ${c.usage}`);
    this.write([
      'What you can do:',
      ...commands,
      '  press <button>            press a button of the newest message with buttons, by name (ack, resolve…) or number',
      '  press <m4|ESC-3> <button> press a button of message m4, or of the newest card of ESC-3',
      '  as <person> <command>     run one command as someone from the roster (as ben /escalations mine)',
      '  as <person>               become them until you switch again; as "Ben Okafor" works too',
      '  as                        who you are, and who you can be',
      '  whoami, people            who you are; everyone in the roster',
      '  help, quit',
      'While filling a form: answer each field; Enter skips an optional one; "cancel" stops.',
    ]);
  }

  private async command(name: string, text: string): Promise<void> {
    if (!this.options.interactions.hasCommand(name)) {
      const known = this.options.interactions.usage().map((c) => `/${c.name}`).join(', ');
      return this.write([`There is no /${name} command. Commands: ${known || '(none)'}. Type help for more.`]);
    }
    const actor = this.actor();
    await this.show(await this.options.interactions.command(actor, name, text), actor);
  }

  /** The message a `press` means: `m4`, a record id (ESC-3), or the newest one with buttons. */
  private async target(ref: string | undefined, word: string): Promise<PrintedMessage | string> {
    const platform = this.options.platform;
    if (ref === undefined) return (await platform.message()) ?? 'No message with buttons yet.';
    const has = (m: PrintedMessage) => 'button' in findButton(m.buttons, word);
    const found = (await platform.message(ref, has)) ?? (ref !== ref.toUpperCase() ? await platform.message(ref.toUpperCase(), has) : undefined);
    return found ?? (/^[mt]\d+$/i.test(ref) ? `No message ${ref}.` : `No message with buttons for ${ref}.`);
  }

  private async press(args: string[]): Promise<void> {
    const [first, second] = args;
    if (first === undefined) return this.write(['Press what? press <button> (newest message), press m4 <button>, or press ESC-3 <button>.']);
    const ref = second !== undefined ? first : undefined;
    const word = second ?? first;
    // A message named without a button: say which buttons it has.
    if (second === undefined && /^[mt]\d+$|^[a-z]+-\d+$/i.test(first)) {
      const message = await this.options.platform.message(first);
      if (message) return this.write([`Which button of ${message.id}? ${buttonNames(message.buttons).join(', ')}.`]);
    }
    const message = await this.target(ref, word);
    if (typeof message === 'string') return this.write([message]);
    if (message.buttons.length === 0) return this.write([`Message ${message.id} has no buttons.`]);
    const found = findButton(message.buttons, word);
    if ('problem' in found) return this.write([`${message.id}: ${found.problem}`]);
    const actor = { ...this.actor(), conversation: message.conversation };
    // The feature answers first: a refusal comes before any form asks for anything.
    await this.show(await this.options.interactions.action(actor, found.button.actionId, found.button.value), actor);
  }

  private async show(answer: Answer, actor: Actor): Promise<void> {
    if (answer.reply) await this.options.platform.reply(answer.reply);
    if (answer.form) this.openForm(answer.form, actor);
  }

  /** Opens a form; it is submitted as whoever opened it, whatever `as` does meanwhile. */
  private openForm(form: Form, actor: Actor): void {
    this.write([`— ${form.title} — (type "cancel" to stop)`]);
    this.session = new FormSession(form, (values) => this.options.interactions.submit(actor, form.id, values, form.state), () => this.people);
  }

  private async answerField(line: string): Promise<void> {
    const session = this.session as FormSession;
    if (line.toLowerCase() === 'cancel') {
      this.session = undefined;
      return this.write(['Cancelled; nothing was saved.']);
    }
    const step = session.answer(line);
    if ('problem' in step) return this.write([step.problem]);
    if (!step.done) return;
    this.session = undefined;
    const result = await session.complete(session.values);
    if (result.ok) {
      if (result.reply) await this.options.platform.reply(result.reply);
      return;
    }
    const problems = Object.entries(result.errors);
    this.write(['Please fix:', ...problems.map(([id, p]) => `  ${session.form.fields.find((f) => f.id === id)?.label ?? 'Form'}: ${p}`)]);
    if (session.retry(result.errors)) this.session = session;
  }
}
