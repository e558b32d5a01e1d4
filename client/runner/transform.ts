/**
 * From the pad's TypeScript to a function the worker can call, and from an error back to a
 * line in the pad. sucrase strips types and turns import/export into CommonJS without moving
 * anything to another line, so a line in the compiled body is the same line in the pad, once
 * the wrapper's own header lines are subtracted.
 */
import { transform } from 'sucrase';
import { MAX_ERROR_CHARS, clip } from './output.js';

/** The snippet's parameters: `tf` is the one it needs; the rest make import/export and console work. */
export const SNIPPET_PARAMS = ['tf', 'exports', 'module', 'require', 'console'] as const;

/** Our own directive line; sucrase's `"use strict";` (glued onto line 1) is replaced by it so line 1 keeps its columns. */
const STRICT_LINE = '"use strict";\n';
const STRICT_LINES = 1;
const SUCRASE_STRICT = '"use strict";';

export interface SnippetPosition {
  /** 1-based line in the pad */
  line: number;
  /** 1-based column, only when the compiled line is the pad's line unchanged (no types stripped on it) */
  column?: number;
}

export interface SnippetError extends Partial<SnippetPosition> {
  message: string;
}

export type Compiled = { ok: true; body: string; source: string } | { ok: false; error: SnippetError };

/**
 * Compiles the pad's code to the body of an async function (so top-level `await` and `return`
 * work). With `exportLookup`, a last line hands back a top-level function of that name when the
 * code declares it without `export` (a challenge's function, found either way).
 */
export function compileSnippet(code: string, exportLookup?: string): Compiled {
  let js: string;
  try {
    js = transform(code, { transforms: ['typescript', 'imports'] }).code;
  } catch (error) {
    return { ok: false, error: syntaxError(error) };
  }
  if (js.startsWith(SUCRASE_STRICT)) js = js.slice(SUCRASE_STRICT.length);
  let body = STRICT_LINE + js;
  if (exportLookup !== undefined) {
    if (!/^[A-Za-z_$][\w$]*$/.test(exportLookup)) throw new Error(`Not a function name: ${exportLookup}`);
    body += `\n;return typeof ${exportLookup} === "function" ? ${exportLookup} : undefined;`;
  }
  return { ok: true, body, source: code };
}

/** sucrase's errors carry `loc` ({ line, column }, both 1-based: `pos` is the 0-based offset) and end in "(line:col)". */
function syntaxError(error: unknown): SnippetError {
  const message = error instanceof Error ? error.message : String(error);
  const loc = (error as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  const text = `SyntaxError: ${message.replace(/\s*\(\d+:\d+\)\s*$/, '')}`;
  if (loc && typeof loc.line === 'number' && typeof loc.column === 'number') {
    return { message: clip(text, MAX_ERROR_CHARS), line: loc.line, column: loc.column };
  }
  return { message: clip(text, MAX_ERROR_CHARS) };
}

/** A frame inside code made by the (Async)Function constructor: V8 "<anonymous>:L:C", Firefox "> AsyncFunction:L:C". */
const DYNAMIC_FRAME = /(?:<anonymous>|> (?:Async)?Function):(\d+):(\d+)/;

/** The first (innermost) frame of a stack that lies in the snippet, as a line/column of that function's source. */
export function dynamicFrame(stack: string | undefined): { line: number; column: number } | null {
  if (!stack) return null;
  for (const frame of stack.split('\n')) {
    const m = DYNAMIC_FRAME.exec(frame);
    if (m) return { line: Number(m[1]), column: Number(m[2]) };
  }
  return null;
}

/**
 * Lines an engine puts before the body of `new AsyncFunction(...)` ("async function
 * anonymous(tf,…\n) {" is two in V8), plus our directive line. Measured, not assumed: the
 * worker throws from line 1 of a probe body and passes the stack here.
 */
export function headerLinesFromProbe(probeStack: string | undefined): number {
  const frame = dynamicFrame(probeStack);
  if (!frame) return 2 + 1; // V8's two header lines plus STRICT_LINE
  return frame.line - 1;
}

/** The probe body whose error calibrates headerLinesFromProbe (line 1 after our directive). */
export const PROBE_BODY = `${STRICT_LINE}throw new Error("attn-probe");`;

/** Maps a stack frame in the compiled function to the pad; null when outside the user's lines. */
export function mapToPad(frame: { line: number; column: number }, headerLines: number, compiled: { body: string; source: string }): SnippetPosition | null {
  const line = frame.line - headerLines;
  const sourceLines = compiled.source.split('\n');
  if (line < 1 || line > sourceLines.length) return null;
  const compiledLine = compiled.body.split('\n')[line - 1 + STRICT_LINES];
  return compiledLine === sourceLines[line - 1] ? { line, column: frame.column } : { line };
}

/** An exception from the snippet as the run record shows it: "TypeError: x is not a function", at a pad line when known. */
export function describeThrown(thrown: unknown, headerLines: number, compiled: { body: string; source: string }): SnippetError {
  let message: string;
  let stack: string | undefined;
  if (thrown instanceof Error) {
    message = `${thrown.name}: ${thrown.message}`;
    stack = thrown.stack;
  } else if (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string') {
    // tfjs-backend-wasm rejects with a plain { message } object.
    message = `Error: ${(thrown as { message: string }).message}`;
  } else {
    message = `Uncaught ${typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown)}`;
  }
  const frame = dynamicFrame(stack);
  const position = frame ? mapToPad(frame, headerLines, compiled) : null;
  return { message: clip(message, MAX_ERROR_CHARS), ...(position ?? {}) };
}
