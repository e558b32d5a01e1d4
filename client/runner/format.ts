/**
 * Turns what a snippet logs or returns into bounded text. Tensors are recognised by shape
 * (`shape`, `dtype`, `dataSync`), not by class, so this module needs no tfjs and runs in the
 * unit tests with fakes. Every path is bounded: item, key and depth caps plus a character
 * budget, so `return tf` or a cyclic object prints a page, not megabytes.
 */
import { MAX_VALUE_CHARS, TRUNCATION_MARK, clip } from './output.js';

export interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number | string | boolean | Uint8Array>;
  isDisposed?: boolean;
}

export function isTensorLike(value: unknown): value is TensorLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TensorLike>;
  return Array.isArray(v.shape) && typeof v.dtype === 'string' && typeof v.dataSync === 'function';
}

/** Per dimension, this many leading and trailing entries are shown around an ellipsis. */
export const TENSOR_EDGE_ITEMS = 3;
const MAX_ARRAY_ITEMS = 100;
const MAX_OBJECT_KEYS = 50;
const MAX_DEPTH = 4;
const MAX_STRING_CHARS = 2000;
/** Objects and arrays shorter than this print on one line. */
const ONE_LINE_CHARS = 72;

export function tensorHeader(t: Pick<TensorLike, 'shape' | 'dtype'>): string {
  return `Tensor ${t.dtype} [${t.shape.join(', ')}]`;
}

/**
 * Values read ahead of formatting: on WebGPU the worker reads tensors with the async API when
 * they are logged, and formats them once the values arrive (see worker.ts).
 */
export type ValuesOf = (t: TensorLike) => ArrayLike<unknown> | undefined;

/** `Tensor float32 [4, 8]` then the values, first and last TENSOR_EDGE_ITEMS per dimension. */
export function formatTensor(t: TensorLike, valuesOf?: ValuesOf): string {
  const header = tensorHeader(t);
  let values = valuesOf?.(t);
  if (values === undefined && t.isDisposed) return `${header} (disposed)`;
  try {
    values ??= t.dataSync();
  } catch (error) {
    return `${header} (unreadable: ${error instanceof Error ? error.message : String(error)})`;
  }
  return `${header}\n${tensorValues(values, t.shape, t.dtype)}`;
}

/** The bracketed preview, numbers right-aligned to a common width so rows line up. */
export function tensorValues(values: ArrayLike<unknown>, shape: readonly number[], dtype: string): string {
  const rank = shape.length;
  if (rank === 0) return formatElement(values[0], dtype);
  if (shape.some((d) => d === 0)) return '[]';
  const strides: number[] = new Array<number>(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  // Format the shown elements first, to pad them all to one width.
  const shown = new Map<number, string>();
  let width = 0;
  const collect = (dim: number, offset: number) => {
    for (const i of shownIndices(shape[dim]!)) {
      if (i === null) continue;
      const at = offset + i * strides[dim]!;
      if (dim === rank - 1) {
        const text = formatElement(values[at], dtype);
        shown.set(at, text);
        width = Math.max(width, text.length);
      } else collect(dim + 1, at);
    }
  };
  collect(0, 0);
  const render = (dim: number, offset: number, indent: number): string => {
    const parts = shownIndices(shape[dim]!).map((i) => {
      if (i === null) return TRUNCATION_MARK;
      const at = offset + i * strides[dim]!;
      return dim === rank - 1 ? (rank > 1 ? shown.get(at)!.padStart(width) : shown.get(at)!) : render(dim + 1, at, indent + 1);
    });
    if (dim === rank - 1) return `[${parts.join(', ')}]`;
    // Blank lines between the blocks of rank >= 3 tensors, as tf.print does.
    const gap = rank - dim > 2 ? ',\n\n' : ',\n';
    return `[${parts.join(gap + ' '.repeat(indent + 1))}]`;
  };
  return render(0, 0, 0);
}

/** 0..n-1, or the first and last TENSOR_EDGE_ITEMS with null for the ellipsis. */
function shownIndices(n: number): (number | null)[] {
  if (n <= 2 * TENSOR_EDGE_ITEMS + 1) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: TENSOR_EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: TENSOR_EDGE_ITEMS }, (_, i) => n - TENSOR_EDGE_ITEMS + i);
  return [...head, null, ...tail];
}

function formatElement(value: unknown, dtype: string): string {
  if (dtype === 'bool') return value ? 'true' : 'false';
  if (typeof value === 'number') return dtype === 'int32' ? String(value) : formatFloat(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(new TextDecoder().decode(value));
  return String(value);
}

/** Four decimals like tf.print, exponent form for very large or tiny magnitudes. */
export function formatFloat(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return Object.is(x, -0) ? '-0.0000' : '0.0000';
  const abs = Math.abs(x);
  return abs >= 1e6 || abs < 1e-4 ? x.toExponential(3) : x.toFixed(4);
}

interface Budget {
  left: number;
}

interface Context {
  budget: Budget;
  seen: Set<object>;
  valuesOf?: ValuesOf;
}

/**
 * One value as text. `quoteStrings: false` is console.log's rule for top-level strings
 * (`console.log('a')` prints `a`); a returned string keeps its quotes.
 */
export function formatValue(value: unknown, options: { quoteStrings?: boolean; maxChars?: number; valuesOf?: ValuesOf } = {}): string {
  const maxChars = options.maxChars ?? MAX_VALUE_CHARS;
  if (typeof value === 'string' && options.quoteStrings === false) return clip(value, maxChars);
  const ctx: Context = { budget: { left: maxChars }, seen: new Set(), valuesOf: options.valuesOf };
  return clip(inspect(value, 0, ctx), maxChars);
}

/** console.log's arguments, space-separated, strings unquoted; printf-style %s/%d are left as typed. */
export function formatConsoleArgs(args: readonly unknown[], options: { maxChars?: number; valuesOf?: ValuesOf } = {}): string {
  const maxChars = options.maxChars ?? MAX_VALUE_CHARS;
  const ctx: Context = { budget: { left: maxChars }, seen: new Set(), valuesOf: options.valuesOf };
  const parts: string[] = [];
  for (const arg of args) {
    if (ctx.budget.left <= 0) {
      parts.push(TRUNCATION_MARK);
      break;
    }
    parts.push(typeof arg === 'string' ? spend(ctx.budget, arg) : inspect(arg, 0, ctx));
  }
  return clip(parts.join(' '), maxChars);
}

/** The tensors in a value (itself, or in its arrays and plain objects, a few levels down), for reading ahead. */
export function tensorsIn(value: unknown, found: TensorLike[] = [], depth = 0): TensorLike[] {
  if (depth > 3 || found.length >= 100 || typeof value !== 'object' || value === null) return found;
  if (isTensorLike(value)) {
    found.push(value);
    return found;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  const items = Array.isArray(value) ? value.slice(0, 100) : proto === Object.prototype || proto === null ? Object.values(value).slice(0, 50) : [];
  for (const item of items) tensorsIn(item, found, depth + 1);
  return found;
}

/** Leaves spend the budget; containers are the sum of their leaves (plus punctuation, not counted). */
function spend(budget: Budget, text: string): string {
  budget.left -= text.length;
  return text;
}

function inspect(value: unknown, depth: number, ctx: Context): string {
  const { budget, seen } = ctx;
  if (budget.left <= 0) return TRUNCATION_MARK;
  switch (typeof value) {
    case 'undefined':
      return spend(budget, 'undefined');
    case 'boolean':
      return spend(budget, String(value));
    case 'number':
      return spend(budget, Object.is(value, -0) ? '-0' : String(value));
    case 'bigint':
      return spend(budget, `${value}n`);
    case 'string':
      return spend(budget, JSON.stringify(clip(value, Math.min(MAX_STRING_CHARS, budget.left))));
    case 'symbol':
      return spend(budget, value.toString());
    case 'function': {
      const name = (value as { name?: string }).name;
      const isClass = /^class[\s{]/.test(Function.prototype.toString.call(value));
      return spend(budget, `[${isClass ? 'class' : 'Function'}${name ? ` ${name}` : ''}]`);
    }
  }
  if (value === null) return spend(budget, 'null');
  const obj = value as object;
  if (isTensorLike(obj)) return spend(budget, depth <= 1 ? formatTensor(obj, ctx.valuesOf) : tensorHeader(obj));
  if (seen.has(obj)) return spend(budget, '[Circular]');
  if (obj instanceof Error) return spend(budget, `${obj.name}: ${obj.message}`);
  if (obj instanceof Date) return spend(budget, Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString());
  if (obj instanceof RegExp) return spend(budget, String(obj));
  if (obj instanceof Promise) return spend(budget, 'Promise {…}');
  if (depth >= MAX_DEPTH) return spend(budget, Array.isArray(obj) ? '[Array]' : `[${constructorName(obj) ?? 'Object'}]`);

  seen.add(obj);
  try {
    if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
      const arr = obj as unknown as ArrayLike<number | bigint>;
      const items = listItems(arr.length, (i) => inspect(arr[i], depth + 1, ctx), budget);
      return `${constructorName(obj)}(${arr.length}) ${wrap('[', items, ']', depth)}`;
    }
    if (Array.isArray(obj)) {
      return wrap('[', listItems(obj.length, (i) => (i in obj ? inspect(obj[i], depth + 1, ctx) : '<empty>'), budget), ']', depth);
    }
    if (obj instanceof Map) {
      const entries = [...obj.entries()];
      const items = listItems(entries.length, (i) => `${inspect(entries[i]![0], depth + 1, ctx)} => ${inspect(entries[i]![1], depth + 1, ctx)}`, budget);
      return `Map(${obj.size}) ${wrap('{', items, '}', depth, true)}`;
    }
    if (obj instanceof Set) {
      const values = [...obj.values()];
      return `Set(${obj.size}) ${wrap('{', listItems(values.length, (i) => inspect(values[i], depth + 1, ctx), budget), '}', depth, true)}`;
    }
    const keys = Object.keys(obj);
    const items: string[] = [];
    for (const key of keys.slice(0, MAX_OBJECT_KEYS)) {
      if (budget.left <= 0) {
        items.push(TRUNCATION_MARK);
        break;
      }
      let text: string;
      try {
        text = inspect((obj as Record<string, unknown>)[key], depth + 1, ctx);
      } catch {
        text = '[getter threw]';
      }
      items.push(`${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${text}`);
    }
    if (keys.length > MAX_OBJECT_KEYS && items[items.length - 1] !== TRUNCATION_MARK) items.push(`… ${keys.length - MAX_OBJECT_KEYS} more keys`);
    const name = constructorName(obj);
    const prefix = name && name !== 'Object' ? `${name} ` : '';
    return prefix + wrap('{', items, '}', depth, true);
  } finally {
    seen.delete(obj);
  }
}

function listItems(length: number, item: (i: number) => string, budget: Budget): string[] {
  const items: string[] = [];
  const n = Math.min(length, MAX_ARRAY_ITEMS);
  for (let i = 0; i < n; i++) {
    if (budget.left <= 0) {
      items.push(TRUNCATION_MARK);
      return items;
    }
    items.push(item(i));
  }
  if (length > n) items.push(`… ${length - n} more items`);
  return items;
}

function wrap(open: string, items: string[], close: string, depth: number, spaced = false): string {
  if (items.length === 0) return `${open}${close}`;
  const oneLine = spaced ? `${open} ${items.join(', ')} ${close}` : `${open}${items.join(', ')}${close}`;
  if (oneLine.length <= ONE_LINE_CHARS && !oneLine.includes('\n')) return oneLine;
  const pad = '  '.repeat(depth + 1);
  const indented = items.map((item) => pad + item.replace(/\n/g, `\n${pad}`));
  return `${open}\n${indented.join(',\n')}\n${'  '.repeat(depth)}${close}`;
}

function constructorName(obj: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null;
    if (proto === null) return undefined;
    const name = proto.constructor?.name;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}
