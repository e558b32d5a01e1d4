/**
 * What the challenge brief shows beside the pad, as plain text: the function's signature cut
 * from the starter code, its parameter names, and each example case's values in a line. Pure,
 * so the component stays a layout and this is unit-tested.
 */
import type { ClientCase, SerializedValue, Tolerance } from '../../shared/challenge.js';

/** The starter's `export function …(…): T` header, without the body and the "your code" comment. */
export function signatureOf(starter: string): string {
  const start = starter.indexOf('export function');
  const text = start >= 0 ? starter.slice(start) : starter;
  const close = matchingParen(text, text.indexOf('('));
  if (close < 0) return text.trim();
  const brace = text.indexOf('{', close);
  return (brace < 0 ? text : text.slice(0, brace)).trimEnd();
}

/** The parameter names of the starter's function, in order (empty when it has none or can't be read). */
export function parameterNames(starter: string): string[] {
  const start = starter.indexOf('export function');
  const text = start >= 0 ? starter.slice(start) : starter;
  const open = text.indexOf('(');
  const close = matchingParen(text, open);
  if (open < 0 || close < 0) return [];
  const inner = text.slice(open + 1, close).replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const names: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of inner + ',') {
    if ('([{<'.includes(ch)) depth++;
    else if (')]}>'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      const name = /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name) names.push(name);
      part = '';
    } else part += ch;
  }
  return names;
}

function matchingParen(text: string, open: number): number {
  if (open < 0) return -1;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Values shown in full up to this many numbers; larger tensors show their shape and first values. */
export const PREVIEW_NUMBERS = 8;

const num = (x: number) => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(4)).toString());

/** "float32 [1, 4, 8]: 0.12, -1.3, … (32 values)" / "3" / "[…, …]" / "{ loss: …, kl: … }". */
export function describeValue(value: SerializedValue): string {
  switch (value.kind) {
    case 'tensor': {
      const shape = `${value.dtype} [${value.shape.join(', ')}]`;
      if (value.data.length === 0) return `${shape} (empty)`;
      const shown = value.data.slice(0, PREVIEW_NUMBERS).map(num).join(', ');
      return value.data.length > PREVIEW_NUMBERS ? `${shape}: ${shown}, … (${value.data.length} values)` : `${shape}: ${shown}`;
    }
    case 'number':
      return num(value.value);
    case 'string':
      return JSON.stringify(value.value);
    case 'boolean':
      return String(value.value);
    case 'array':
      return `[${value.items.map(describeValue).join('; ')}]`;
    case 'record':
      return `{ ${Object.entries(value.entries)
        .map(([k, v]) => `${k}: ${describeValue(v)}`)
        .join('; ')} }`;
  }
}

export function describeTolerance(tol: Tolerance): string {
  return tol.rel ? `|actual − expected| ≤ ${tol.abs.toExponential(0)} + ${tol.rel.toExponential(0)}·|expected|` : `|actual − expected| ≤ ${tol.abs.toExponential(0)}`;
}

export interface BriefCase {
  name: string;
  inputs: { name: string; value: string }[];
  expected: string;
  tolerance: string;
}

/** The example cases (those whose expected output this page has and a candidate may see), ready to show. */
export function briefCases(cases: readonly ClientCase[], starter: string): { examples: BriefCase[]; hidden: number } {
  const names = parameterNames(starter);
  const examples = cases
    .filter((c) => c.example && c.expected)
    .map((c) => ({
      name: c.name,
      inputs: c.inputs.map((v, i) => ({ name: names[i] ?? `argument ${i + 1}`, value: describeValue(v) })),
      expected: describeValue(c.expected!),
      tolerance: describeTolerance(c.tolerance),
    }));
  return { examples, hidden: cases.filter((c) => !c.example).length };
}
