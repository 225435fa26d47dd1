// Small statistics and formatting helpers for the benchmarks.

/** Nearest-rank percentile (p in 0..100) of numbers; NaN when empty. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Median (mean of the middle two for an even count); NaN when empty. */
function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** p50 / p99 / min / max / count of one sample set. */
function summarize(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** A seeded PRNG (mulberry32): the same seed gives every system the same schedule. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds for a table: 1 decimal below 100, whole above. */
function ms(x) {
  if (!Number.isFinite(x)) return 'n/a';
  return Math.abs(x) < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US');
}

/** A whole number with thousands separators. */
function int(x) {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a';
}

module.exports = { percentile, median, summarize, rng, ms, int };
