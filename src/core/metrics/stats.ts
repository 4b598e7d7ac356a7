/** Small statistics for daily aggregates. */

/** The median (the mean of the two middle values for an even count), or undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The mean, or undefined for none. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The mean weighted by counts (a missing count weighs 1). */
export function weightedMean(values: ReadonlyArray<{ value: number; count?: number | undefined }>): number | undefined {
  if (values.length === 0) return undefined;
  let sum = 0;
  let weight = 0;
  for (const v of values) {
    const w = v.count ?? 1;
    sum += v.value * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : undefined;
}
