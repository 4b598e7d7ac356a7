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
  // The parser does not know Teams' Chart.* elements: it reports each once as an unknown element
  // and renders its fallback (which it does check). Exactly that event is allowed per chart, whose
  // own data is checked here instead.
  const charts = chartsIn(card);
  problems.push(...charts.flatMap(chartProblems));
  const allowed = charts.map((c) => `Unknown element type "${String(c['type'])}". Fallback will be used if present.`);
  for (let i = 0; i < ctx.eventCount; i += 1) {
    const e = ctx.getEventAt(i);
    const at = allowed.indexOf(e.message);
    if (AC.ValidationEvent[e.event] === 'UnknownElementType' && at >= 0) {
      allowed.splice(at, 1);
      continue;
    }
    problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  const refresh = card['refresh'] as { userIds?: unknown[]; action?: { type?: string; verb?: string } } | undefined;
  if (refresh && (refresh.action?.type !== 'Action.Execute' || !refresh.action.verb || !Array.isArray(refresh.userIds) || refresh.userIds.length > 60)) {
    problems.push('refresh needs an Action.Execute with a verb and at most 60 userIds');
  }
  for (const e of parsed.validateProperties().validationEvents) problems.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  return problems;
}

/** Every Chart.* element in a card. */
export function chartsIn(card: unknown): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  const walk = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    const obj = value as Record<string, unknown>;
    if (typeof obj['type'] === 'string' && obj['type'].startsWith('Chart.')) found.push(obj);
    for (const v of Object.values(obj)) walk(v);
  };
  walk(card);
  return found;
}

/** A Chart.Line's data (learn.microsoft.com, charts in Adaptive Cards): legends, points {x, y}, and a fallback. */
function chartProblems(chart: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (chart['type'] !== 'Chart.Line') return [`unexpected chart ${String(chart['type'])}`];
  const data = chart['data'];
  if (!Array.isArray(data) || data.length === 0) problems.push('Chart.Line has no data');
  for (const [i, series] of (Array.isArray(data) ? data : []).entries()) {
    const s = series as { legend?: unknown; values?: unknown };
    if (typeof s.legend !== 'string' || !s.legend) problems.push(`Chart.Line data[${i}] has no legend`);
    if (!Array.isArray(s.values) || s.values.length === 0) problems.push(`Chart.Line data[${i}] has no values`);
    for (const v of Array.isArray(s.values) ? (s.values as Array<{ x?: unknown; y?: unknown }>) : []) {
      if (!(typeof v.x === 'string' || typeof v.x === 'number') || typeof v.y !== 'number' || !Number.isFinite(v.y)) problems.push(`Chart.Line data[${i}] has a bad point ${JSON.stringify(v)}`);
    }
  }
  if (!chart['fallback'] || typeof chart['fallback'] !== 'object') problems.push('Chart.Line has no fallback element (iOS draws no chart)');
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
