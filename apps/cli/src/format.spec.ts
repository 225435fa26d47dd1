import { ago, bar, clip, count, duration, oneLine, timestamp } from './format';

describe('format', () => {
  it('formats durations from ms to days', () => {
    expect([0, 850, 12_000, 185_000, 7_800_000, 3 * 86_400_000 + 3_600_000].map(duration)).toEqual(['0ms', '850ms', '12s', '3m 05s', '2h 10m', '3d 1h']);
  });

  it('says ago or in, and - for no time', () => {
    expect(ago(1_000, 13_000)).toBe('12s ago');
    expect(ago(73_000, 1_000)).toBe('in 1m 12s');
    expect(ago(null, 1_000)).toBe('-');
  });

  it('counts with separators and prints UTC times', () => {
    expect(count(1_234_567)).toBe('1,234,567');
    expect(timestamp(Date.UTC(2026, 10, 29, 4, 20, 1))).toBe('2026-11-29 04:20:01Z');
  });

  it('cuts text to one line, and blocks by characters and lines', () => {
    expect(oneLine('a\nb\tc', 10)).toBe('a b c');
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
    expect(clip('x'.repeat(10), 4, 10)).toEqual({ text: 'xxxx', truncated: true, totalChars: 10 });
    expect(clip('1\n2\n3\n4', 100, 2)).toEqual({ text: '1\n2', truncated: true, totalChars: 7 });
    expect(clip('short', 100, 2)).toEqual({ text: 'short', truncated: false, totalChars: 5 });
  });

  it('draws proportional bars, at least one cell for anything', () => {
    expect(bar(0, 10, 20)).toBe('');
    expect(bar(10, 10, 20)).toBe('█'.repeat(20));
    expect(bar(1, 1_000_000, 20)).toBe('█');
  });
});
