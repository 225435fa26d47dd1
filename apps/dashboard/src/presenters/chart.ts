import type { ThroughputPoint } from '@jobq/queue-core';
import { formatCount } from './format';

/** The server-rendered SVG throughput chart: bars per minute, failures on top. */
export interface ChartView {
  readonly width: number;
  readonly height: number;
  readonly plotTop: number;
  readonly plotBottom: number;
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly maxLabel: string;
  readonly midY: number;
  readonly midLabel: string;
  readonly bars: readonly { x: number; okY: number; okHeight: number; failY: number; failHeight: number; width: number; title: string }[];
  readonly xLabels: readonly { x: number; text: string; anchor: string }[];
  readonly totalProcessed: string;
  readonly totalFailed: string;
  readonly empty: boolean;
}

const W = 1100;
const H = 190;
const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 24;

/** Lays out the chart of `points` (oldest first); all geometry is computed here, not in the template. */
export function presentChart(points: readonly ThroughputPoint[]): ChartView {
  const max = niceMax(Math.max(0, ...points.map((p) => p.processed)));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT - RIGHT) / Math.max(1, points.length);
  const barW = Math.max(1, slot - 2);
  const y = (v: number) => (v / max) * plotH;
  const bars = points.map((p, i) => {
    const ok = Math.max(0, p.processed - p.failed);
    const okH = y(ok);
    const failH = y(Math.min(p.failed, p.processed));
    const x = LEFT + i * slot + 1;
    const time = new Date(p.minuteStart).toISOString().slice(11, 16);
    return {
      x: round(x),
      width: round(barW),
      okY: round(H - BOTTOM - okH),
      okHeight: round(okH),
      failY: round(H - BOTTOM - okH - failH),
      failHeight: round(failH),
      title: `${time} UTC: ${formatCount(p.processed)} processed, ${formatCount(p.failed)} failed`,
    };
  });
  const n = points.length;
  return {
    width: W,
    height: H,
    plotTop: TOP,
    plotBottom: H - BOTTOM,
    plotLeft: LEFT,
    plotRight: W - RIGHT,
    maxLabel: formatCount(max),
    midY: round(TOP + plotH / 2),
    midLabel: formatCount(max / 2),
    bars,
    xLabels: [
      { x: LEFT, text: `-${n} min`, anchor: 'start' },
      { x: round(LEFT + (W - LEFT - RIGHT) / 2), text: `-${Math.round(n / 2)} min`, anchor: 'middle' },
      { x: W - RIGHT, text: 'now', anchor: 'end' },
    ],
    totalProcessed: formatCount(points.reduce((s, p) => s + p.processed, 0)),
    totalFailed: formatCount(points.reduce((s, p) => s + p.failed, 0)),
    empty: points.every((p) => p.processed === 0),
  };
}

function niceMax(v: number): number {
  if (v <= 4) return 4;
  const mag = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * mag >= v) ?? 10;
  return step * mag % 2 === 0 ? step * mag : Math.ceil((step * mag) / 2) * 2;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
