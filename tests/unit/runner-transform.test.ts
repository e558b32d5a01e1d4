/**
 * The pad's TypeScript through sucrase into an async function body, and errors back to pad lines.
 * Runs the compiled code with Node's own AsyncFunction, so the stack parsing is tested on real
 * V8 stacks (the engine Chromium uses), not on hand-written strings only.
 */
import { describe, expect, it } from 'vitest';
import {
  PROBE_BODY,
  SNIPPET_PARAMS,
  compileSnippet,
  describeThrown,
  dynamicFrame,
  headerLinesFromProbe,
  mapToPad,
} from '../../client/runner/transform.js';

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<unknown>;

async function measuredHeaderLines(): Promise<number> {
  try {
    await new AsyncFunction(PROBE_BODY)();
  } catch (error) {
    return headerLinesFromProbe((error as Error).stack);
  }
  throw new Error('the probe did not throw');
}

/** Compiles and runs a snippet the way the worker does; returns its value or the mapped error. */
async function run(code: string, tf: unknown = {}): Promise<{ value?: unknown; exports: Record<string, unknown>; error?: ReturnType<typeof describeThrown> }> {
  const compiled = compileSnippet(code);
  if (!compiled.ok) return { exports: {}, error: compiled.error };
  const header = await measuredHeaderLines();
  const exportsObject: Record<string, unknown> = {};
  const fn = new AsyncFunction(...SNIPPET_PARAMS, compiled.body);
  const require = (name: string) => {
    if (name === '@tensorflow/tfjs') return tf;
    throw new Error(`Cannot import "${name}"`);
  };
  try {
    return { value: await fn(tf, exportsObject, { exports: exportsObject }, require, console), exports: exportsObject };
  } catch (error) {
    return { exports: exportsObject, error: describeThrown(error, header, compiled) };
  }
}

describe('compileSnippet', () => {
  it('strips types and keeps every line on its line', () => {
    const code = ['const x: number = 1;', 'interface A { y: string }', 'type B = A;', 'const f = <T,>(a: T): T => a;', 'return f(x) + 1;'].join('\n');
    const compiled = compileSnippet(code);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    // our directive line, then exactly as many lines as the pad
    expect(compiled.body.split('\n')).toHaveLength(code.split('\n').length + 1);
    expect(compiled.body).not.toMatch(/: number|interface|type B/);
  });

  it('supports top-level await and return, export and the tfjs import', async () => {
    const fakeTf = { ones: () => 'ones!' };
    const result = await run(
      ["import * as tf from '@tensorflow/tfjs';", 'export function twice(x: number): number { return 2 * x; }', 'const v = await Promise.resolve(tf.ones());', 'return v;'].join('\n'),
      fakeTf,
    );
    expect(result.error).toBeUndefined();
    expect(result.value).toBe('ones!');
    expect((result.exports.twice as (x: number) => number)(4)).toBe(8);
  });

  it('refuses other imports with a sentence', async () => {
    const result = await run("import { x } from 'lodash';\nreturn x;");
    expect(result.error?.message).toMatch(/Cannot import "lodash"/);
    expect(result.error?.line).toBe(1);
  });

  it('maps a syntax error to the pad line and a 1-based column', () => {
    const compiled = compileSnippet('const a = 1;\nconst b = ;\nreturn b;');
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.error.line).toBe(2);
    expect(compiled.error.column).toBe(11);
    expect(compiled.error.message).toBe('SyntaxError: Unexpected token');
  });

  it('adds a lookup for a challenge function declared without export', async () => {
    const compiled = compileSnippet('function solve(a: number) { return a + 1; }', 'solve');
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const fn = new AsyncFunction(...SNIPPET_PARAMS, compiled.body);
    const found = (await fn({}, {}, { exports: {} }, () => undefined, console)) as (a: number) => number;
    expect(found(1)).toBe(2);
    expect(() => compileSnippet('x', 'not a name')).toThrow();
  });
});

describe('runtime errors map to pad lines', () => {
  it('finds the line of a ReferenceError, with the column when the line kept its text', async () => {
    const result = await run(['const a = 1;', '// a comment', 'const b = notDefined + a;', 'return b;'].join('\n'));
    expect(result.error?.message).toBe('ReferenceError: notDefined is not defined');
    expect(result.error?.line).toBe(3);
    expect(result.error?.column).toBe(11);
  });

  it('reports the line but no column where types were stripped from it', async () => {
    const result = await run(['const a: number = 1;', 'const b: string = (a as any).nope.deeper;', 'return b;'].join('\n'));
    expect(result.error?.message).toMatch(/^TypeError: Cannot read properties of undefined/);
    expect(result.error).toMatchObject({ line: 2 });
    expect(result.error?.column).toBeUndefined();
  });

  it('finds line 1 (the directive sucrase glues there is moved to a line of its own)', async () => {
    const result = await run('throw new Error("boom");');
    expect(result.error).toEqual({ message: 'Error: boom', line: 1, column: 7 });
  });

  it('points at the innermost frame in the snippet when the error comes from a callee', async () => {
    const lib = {
      check(x: number) {
        if (x < 0) throw new RangeError('negative');
        return x;
      },
    };
    const result = await run(['function inner(v: number) {', '  return tf.check(v);', '}', 'inner(1);', 'return inner(-1);'].join('\n'), lib);
    expect(result.error?.message).toBe('RangeError: negative');
    expect(result.error?.line).toBe(2);
  });

  it('describes non-Error throws', () => {
    const compiled = { body: '"use strict";\nx', source: 'x' };
    expect(describeThrown('oops', 3, compiled)).toEqual({ message: 'Uncaught "oops"' });
    expect(describeThrown({ message: 'wasm failed' }, 3, compiled)).toEqual({ message: 'Error: wasm failed' });
  });
});

describe('stack parsing', () => {
  it('reads V8 and Firefox frames of constructed functions', () => {
    const v8 = 'Error: x\n    at eval (eval at run (http://h/assets/attn-runner-1.js:1:200), <anonymous>:5:9)\n    at run (http://h/assets/attn-runner-1.js:1:300)';
    expect(dynamicFrame(v8)).toEqual({ line: 5, column: 9 });
    const firefox = 'inner@http://h/assets/attn-runner-1.js line 12 > AsyncFunction:4:3\n@http://h/a.js:1:1';
    expect(dynamicFrame(firefox)).toEqual({ line: 4, column: 3 });
    expect(dynamicFrame('Error: x\n    at new AsyncFunction (<anonymous>)\n    at run (http://h/a.js:1:1)')).toBeNull();
    expect(dynamicFrame(undefined)).toBeNull();
  });

  it('ignores frames outside the pad lines (the wrapper, or a lookup line)', () => {
    const compiled = { body: '"use strict";\nreturn 1;', source: 'return 1;' };
    expect(mapToPad({ line: 3, column: 1 }, 3, compiled)).toBeNull();
    expect(mapToPad({ line: 5, column: 1 }, 3, compiled)).toBeNull();
    expect(mapToPad({ line: 4, column: 1 }, 3, compiled)).toEqual({ line: 1, column: 1 });
  });

  it('falls back to V8 header lines when the probe stack is unreadable', () => {
    expect(headerLinesFromProbe(undefined)).toBe(3);
  });
});
