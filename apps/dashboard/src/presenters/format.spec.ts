import { formatAgo, formatBytes, formatDuration, formatTime } from './format';

describe('format', () => {
  it('formats times, durations, ages and sizes', () => {
    expect(formatTime(Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('2025-01-02 03:04:05 UTC');
    expect(formatTime(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1_234)).toBe('1.23 s');
    expect(formatDuration(184_000)).toBe('3 min 4 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 d');
    expect(formatAgo(10_000, 13_000)).toBe('3 s ago');
    expect(formatAgo(20_000, 13_000)).toBe('in 7 s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});
