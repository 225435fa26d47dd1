import type { ThroughputPoint } from '@jobq/queue-core';
import { formatCount } from './format';

/** The server-rendered SVG throughput chart: bars per minute (or hour), failures on top; an empty minute has no bar. */
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
  /** `in the last hour`, `in the last 24 hours`, ... */
  readonly periodLabel: string;
  /** `per minute` or `per hour`. */
  readonly stepLabel: string;
}

/** How a chart's points are spaced and labelled (default: minutes over the last hour). */
export interface ChartScale {
  readonly step: 'minute' | 'hour';
  readonly periodLabel: string;
}

const W = 1100;
const H = 190;
const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 24;

/** Lays out the chart of `points` (oldest first); all geometry is computed here, not in the template. */
export function presentChart(points: readonly ThroughputPoint[], scale: ChartScale = { step: 'minute', periodLabel: 'in the last hour' }): ChartView {
  const max = niceMax(Math.max(0, ...points.map((p) => p.processed)));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT - RIGHT) / Math.max(1, points.length);
  const barW = Math.max(1, slot - 2);
  const y = (v: number) => (v / max) * plotH;
  // A point with nothing processed has no bar (zero height: nothing to see or hover).
  const bars = points.flatMap((p, i) => {
    if (p.processed <= 0) return [];
    const ok = Math.max(0, p.processed - p.failed);
    const okH = y(ok);
    const failH = y(Math.min(p.failed, p.processed));
    const x = LEFT + i * slot + 1;
    const iso = new Date(p.minuteStart).toISOString();
    const time = scale.step === 'hour' || points.length > 60 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
    return [
      {
        x: round(x),
        width: round(barW),
        okY: round(H - BOTTOM - okH),
        okHeight: round(okH),
        failY: round(H - BOTTOM - okH - failH),
        failHeight: round(failH),
        title: `${time} UTC: ${formatCount(p.processed)} processed, ${formatCount(p.failed)} failed`,
      },
    ];
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
      { x: LEFT, text: ago(n, scale.step), anchor: 'start' },
      { x: round(LEFT + (W - LEFT - RIGHT) / 2), text: ago(Math.round(n / 2), scale.step), anchor: 'middle' },
      { x: W - RIGHT, text: 'now', anchor: 'end' },
    ],
    totalProcessed: formatCount(points.reduce((s, p) => s + p.processed, 0)),
    totalFailed: formatCount(points.reduce((s, p) => s + p.failed, 0)),
    empty: points.every((p) => p.processed === 0),
    periodLabel: scale.periodLabel,
    stepLabel: scale.step === 'hour' ? 'per hour' : 'per minute',
  };
}

/** `-60 min`, `-12 h`, `-30 d`. */
function ago(n: number, step: 'minute' | 'hour'): string {
  if (step === 'minute') return n >= 120 && n % 60 === 0 ? `-${n / 60} h` : `-${n} min`;
  return n >= 48 && n % 24 === 0 ? `-${n / 24} d` : `-${n} h`;
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
