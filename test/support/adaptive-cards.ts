/**
 * Adaptive Card validation the way reference/teams.md §4 describes: the `adaptivecards` package's
 * own parser (its UMD bundle works in Node) with Teams' host config, plus the checks it does not
 * make: `version` present, and the size budget.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as {
  AdaptiveCard: new () => { hostConfig: unknown; parse(json: unknown, ctx: unknown): void; validateProperties(): { validationEvents: Array<{ event: number; message: string }> } };
  HostConfig: new (json: unknown) => unknown;
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): { event: number; message: string } };
  Versions: Record<string, unknown>;
  ValidationEvent: Record<number, string>;
};

const teamsHostConfig = JSON.parse(readFileSync(new URL('../fixtures/teams-host-config.json', import.meta.url), 'utf8')) as unknown;

/** Problems with a card as Teams would see it; [] when it is fine. */
export function cardProblems(card: Record<string, unknown>, budgetBytes = 80 * 1024): string[] {
  const problems: string[] = [];
  if (card['type'] !== 'AdaptiveCard') problems.push(`type is ${String(card['type'])}`);
  if (typeof card['version'] !== 'string') problems.push('version is missing (Teams mobile will not render the card)');
  else if (Number(card['version']) > 1.5) problems.push(`version ${String(card['version'])} is above Teams' 1.5`);
  const size = Buffer.byteLength(JSON.stringify(card), 'utf16le');
  if (size > budgetBytes) problems.push(`${size} bytes > ${budgetBytes}`);
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = new AC.HostConfig(teamsHostConfig);
  const ctx = new AC.SerializationContext(AC.Versions['v1_5']);
  parsed.parse(card, ctx);
  for (let i = 0; i < ctx.eventCount; i += 1) {
    const e = ctx.getEventAt(i);
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  return problems;
}

/** Every Adaptive Card inside an activity or an invoke response. */
export function cardsIn(payload: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (obj['type'] === 'AdaptiveCard' && Array.isArray(obj['body'])) {
      found.push(obj);
      return;
    }
    for (const v of Object.values(obj)) walk(v);
  };
  walk(payload);
  return found;
}
