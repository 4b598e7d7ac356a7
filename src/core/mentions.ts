/** Mentions in neutral messages: collects the people a message mentions into `Message.people`. */
import { mention, type Block, type Message, type PersonHandle } from '../chat/message.js';
import type { Person } from '../config/team-config-schema.js';
import type { Participant, Roster } from './roster.js';

export class Mentions {
  readonly map: Record<string, PersonHandle> = {};

  constructor(private readonly roster: Roster) {}

  /** Mentions a participant (a platform user, named from the roster when known). */
  at(p: Participant): string {
    const { key, handle } = this.roster.handle(p);
    this.map[key] = handle;
    return mention(key);
  }

  /** Mentions a roster person, on whichever platform reads the message. */
  person(person: Person): string {
    const handle: PersonHandle = { name: person.name, ...(person.slack ? { slack: person.slack } : {}), ...(person.teams ? { teams: person.teams } : {}) };
    this.map[person.id] = handle;
    return mention(person.id);
  }

  /** A message with these mentions. */
  message(text: string, blocks: Block[]): Message {
    return Object.keys(this.map).length > 0 ? { text, blocks, people: this.map } : { text, blocks };
  }
}
