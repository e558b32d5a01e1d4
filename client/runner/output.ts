/**
 * A run's output is bounded: it lands in the board doc that everyone loads (up to MAX_RUNS of
 * them), so a `for (;;) console.log(x)` must not grow the room by megabytes.
 */
import type { RunConsoleLine } from '../../shared/doc.js';

/** Console text and the returned value together, per run (UTF-16 code units). */
export const MAX_OUTPUT_CHARS = 64 * 1024;
/** Console calls kept per run. */
export const MAX_CONSOLE_LINES = 1000;
/** One formatted value (a console argument or the returned value) at most. */
export const MAX_VALUE_CHARS = 16 * 1024;
/** The error message at most. */
export const MAX_ERROR_CHARS = 4 * 1024;

export const TRUNCATION_MARK = '…';

/** Cuts `text` to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - TRUNCATION_MARK.length)) + TRUNCATION_MARK;
}

export function truncationNotice(limits: { chars: number; lines: number }): string {
  return `${TRUNCATION_MARK} output truncated: a run keeps at most ${limits.lines} console lines and ${Math.round(limits.chars / 1024)} KiB of text`;
}

/**
 * Collects console lines under a line cap and a character budget it shares with the returned
 * value. Once a cap is hit, one marker line says so and everything after it is dropped.
 */
export class OutputBuffer {
  readonly lines: RunConsoleLine[] = [];
  private chars = 0;
  private cut = false;

  constructor(
    private readonly maxChars = MAX_OUTPUT_CHARS,
    private readonly maxLines = MAX_CONSOLE_LINES,
  ) {}

  get truncated(): boolean {
    return this.cut;
  }

  /** Adds a line; returns what was kept (possibly shortened), or null when nothing more fits. */
  push(level: RunConsoleLine['level'], text: string): RunConsoleLine | null {
    if (this.cut) return null;
    if (this.lines.length >= this.maxLines) return this.markCut();
    const room = this.maxChars - this.chars;
    if (room <= 0) return this.markCut();
    const line: RunConsoleLine = { level, text: text.length > room ? clip(text, room) : text };
    this.lines.push(line);
    this.chars += line.text.length;
    if (text.length > room) this.markCut();
    return line;
  }

  /** The returned value under what is left of the budget (at least a short preview). */
  fitValue(text: string): string {
    const room = Math.max(256, this.maxChars - this.chars);
    if (text.length <= room) return text;
    this.cut = true;
    return clip(text, room);
  }

  private markCut(): RunConsoleLine {
    this.cut = true;
    const line: RunConsoleLine = { level: 'warn', text: truncationNotice({ chars: this.maxChars, lines: this.maxLines }) };
    this.lines.push(line);
    return line;
  }
}
