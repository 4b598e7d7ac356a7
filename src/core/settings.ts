/**
 * The team configuration in force. A reload replaces it whole (never half of it); features read it
 * at each use, and values derived from it are rebuilt once per reload.
 */
import type { TeamConfig } from '../config/team-config-schema.js';
import { Roster } from './roster.js';

type Listener = (settings: Settings) => void | Promise<void>;

export class Settings {
  private current: { config: TeamConfig; roster: Roster; version: number };
  private readonly listeners: Listener[] = [];

  constructor(config: TeamConfig) {
    this.current = { config, roster: new Roster(config.people), version: 1 };
  }

  /** The configuration in force. */
  get config(): TeamConfig {
    return this.current.config;
  }

  /** The roster of the configuration in force. */
  get roster(): Roster {
    return this.current.roster;
  }

  /** Increases on every reload. */
  get version(): number {
    return this.current.version;
  }

  /** Puts a new (already validated) configuration in force and tells the listeners. */
  async replace(config: TeamConfig): Promise<void> {
    this.current = { config, roster: new Roster(config.people), version: this.current.version + 1 };
    for (const listener of this.listeners) await listener(this);
  }

  /** Called after each reload, in registration order. */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** A value built from the configuration, rebuilt lazily after each reload. */
  derive<T>(build: (settings: Settings) => T): () => T {
    let cached: { version: number; value: T } | undefined;
    return () => {
      if (cached?.version !== this.version) cached = { version: this.version, value: build(this) };
      return cached.value;
    };
  }
}
