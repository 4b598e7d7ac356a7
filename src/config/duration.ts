/** Parses durations written as `90s`, `15m`, `4h`, `1h30m` or `2d` into milliseconds. */
const PART = /(\d+)\s*(d|h|m|s)/gy;
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  if (!compact) return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(compact); m; m = PART.exec(compact)) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    consumed = PART.lastIndex;
    while (compact[consumed] === ' ') consumed += 1;
    PART.lastIndex = consumed;
  }
  return consumed === compact.length && total > 0 ? total : undefined;
}

/** Formats milliseconds the way people write them: `1h 30m`, `45s`. */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 1000));
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join(' ') || '0s';
}
