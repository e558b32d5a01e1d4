/**
 * Tensor-shape labels and cost estimates for ML diagram blocks. Pure: no Excalidraw import, so it
 * runs in Node tests and on any element-like object (skeletons or restored elements).
 *
 * Label convention: a block's text holds zero, one or two bracketed shapes.
 *   - one shape, `[B, T, 768]`: the block keeps the shape (input = output);
 *   - two shapes, `[B, T, 768] → [B, T, 3072]` (or `->`): first is the input, last the output;
 *   - none: the block has no shape and edges touching it are not checked.
 * A dimension is a number (`768`, `1_000_000`, `1M`, `512K`, `7B`), a symbol (`B`, `T`, `d`,
 * `dₖ`), a symbol bound to a number (`T=1M`), or the wildcard `*` (any size).
 */
import type { EstimateParams } from '../../shared/estimate.js';

export type { EstimateParams } from '../../shared/estimate.js';

export type Dim =
  | { kind: 'num'; value: number }
  | { kind: 'sym'; name: string; value?: number };

export type Shape = Dim[];

export interface BlockShapes {
  input: Shape;
  output: Shape;
}

const SUFFIX: Record<string, number> = { K: 1e3, k: 1e3, M: 1e6, B: 1e9, G: 1e9 };
const NUMBER = /^(\d[\d_]*(?:\.\d+)?)([KkMBG]?)$/;

/** `1M` → 1_000_000; `512K` → 512_000; `1_000_000` → 1_000_000; anything else → undefined. */
export function parseCount(text: string): number | undefined {
  const match = NUMBER.exec(text.trim());
  if (!match) return undefined;
  const base = Number(match[1]!.replace(/_/g, ''));
  const scale = match[2] ? SUFFIX[match[2]]! : 1;
  // Round so that 1.5K is 1500 exactly rather than a float artefact.
  return Math.round(base * scale);
}

export function parseDim(text: string): Dim {
  const trimmed = text.trim();
  const count = parseCount(trimmed);
  if (count !== undefined) return { kind: 'num', value: count };
  const eq = trimmed.indexOf('=');
  if (eq > 0) {
    const name = trimmed.slice(0, eq).trim();
    const value = parseCount(trimmed.slice(eq + 1));
    if (value !== undefined) return { kind: 'sym', name, value };
  }
  return { kind: 'sym', name: trimmed };
}

/** Parses one bracketed shape, `[B, T, d]`; throws on text that is not one. */
export function parseShape(text: string): Shape {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) throw new Error(`not a shape: ${text}`);
  const body = trimmed.slice(1, -1).trim();
  if (body === '') return [];
  return body.split(',').map(parseDim);
}

/** The input and output shapes a label declares (see the convention above), or null. */
export function shapesOfLabel(label: string): BlockShapes | null {
  const found = label.match(/\[[^\]]*\]/g);
  if (!found || found.length === 0) return null;
  const input = parseShape(found[0]!);
  const output = parseShape(found[found.length - 1]!);
  return { input, output };
}

export function formatDim(dim: Dim): string {
  if (dim.kind === 'num') return String(dim.value);
  return dim.value === undefined ? dim.name : `${dim.name}=${dim.value}`;
}

export function formatShape(shape: Shape): string {
  return `[${shape.map(formatDim).join(', ')}]`;
}

/** `*` (or `?`) stands for any size, e.g. a fusion layer taking sequences of any length. */
function isWildcard(dim: Dim): boolean {
  return dim.kind === 'sym' && (dim.name === '*' || dim.name === '?');
}

function valueOf(dim: Dim): number | undefined {
  return dim.value;
}

/**
 * Whether `a` can flow into `b`. Same rank; known values must be equal; two symbols must share a
 * name (T into w is exactly the bug we want flagged); an unbound symbol accepts a number, since the
 * label simply did not commit to one; `*` accepts anything.
 */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  if (isWildcard(a) || isWildcard(b)) return true;
  const va = valueOf(a);
  const vb = valueOf(b);
  if (va !== undefined && vb !== undefined) return va === vb;
  if (a.kind === 'sym' && b.kind === 'sym') return a.name === b.name;
  return true;
}

export function shapesCompatible(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((dim, i) => dimsCompatible(dim, b[i]!));
}

/** The few element fields the checker reads; skeletons and restored elements both have them. */
export interface ShapeCheckElement {
  id?: string;
  type: string;
  text?: string;
  containerId?: string | null;
  label?: { text: string };
  isDeleted?: boolean;
  start?: { id?: string };
  end?: { id?: string };
  startBinding?: { elementId: string } | null;
  endBinding?: { elementId: string } | null;
  /** `{ control: true }` marks a control-flow arrow (a loop back, an optimiser step): not checked. */
  customData?: Record<string, unknown>;
}

export interface ShapeMismatch {
  arrowId: string;
  fromId: string;
  toId: string;
  from: string;
  to: string;
}

/** Label text per element id: a skeleton's `label.text`, or a bound text element's `text`. */
function labelsById(elements: readonly ShapeCheckElement[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const el of elements) {
    if (el.isDeleted || !el.id) continue;
    if (el.label?.text) labels.set(el.id, el.label.text);
  }
  for (const el of elements) {
    if (el.isDeleted || el.type !== 'text' || !el.containerId || el.text === undefined) continue;
    labels.set(el.containerId, el.text);
  }
  return labels;
}

/**
 * Walks every arrow bound at both ends and returns those whose source block's output shape does
 * not fit the target block's input shape. Unbound arrows and shapeless blocks are skipped.
 */
export function checkShapes(elements: readonly ShapeCheckElement[]): ShapeMismatch[] {
  const labels = labelsById(elements);
  const mismatches: ShapeMismatch[] = [];
  for (const el of elements) {
    if (el.isDeleted || el.type !== 'arrow' || el.customData?.control === true) continue;
    const fromId = el.startBinding?.elementId ?? el.start?.id;
    const toId = el.endBinding?.elementId ?? el.end?.id;
    if (!fromId || !toId) continue;
    const fromLabel = labels.get(fromId);
    const toLabel = labels.get(toId);
    if (fromLabel === undefined || toLabel === undefined) continue;
    const from = shapesOfLabel(fromLabel);
    const to = shapesOfLabel(toLabel);
    if (!from || !to) continue;
    if (!shapesCompatible(from.output, to.input)) {
      mismatches.push({
        arrowId: el.id ?? '',
        fromId,
        toId,
        from: formatShape(from.output),
        to: formatShape(to.input),
      });
    }
  }
  return mismatches;
}

export interface Estimate {
  /** Trainable parameters, biases included. */
  params: number;
  /** Forward FLOPs for one token (a multiply-add counts as 2 FLOPs). */
  flopsPerToken: number;
  /** Forward FLOPs for the whole sequence: T · flopsPerToken (T = 1 when the block has none). */
  flops: number;
  /** The formula, in label-ready math text. */
  formula: string;
}

/**
 * Forward-pass estimates. A multiply-add is 2 FLOPs; softmax, masking and bias adds are ignored
 * (they are O(T·d) or less and do not change the comparison the interview is about).
 *
 *   linear            params dIn·dOut (+dOut bias)     FLOPs/token 2·dIn·dOut
 *   ffn (d→dFf→d)     params 2·d·dFf + dFf + d         FLOPs/token 4·d·dFf          (dFf = 4d)
 *   mha               params 4·d² + 4·d (Q,K,V,O)      FLOPs/token 8·d² + 4·T·d
 *                     8·d²: the four d×d projections; 4·T·d: QKᵀ (2·T·d) and A·V (2·T·d)
 *   sliding-window    as mha with T replaced by w:     FLOPs/token 8·d² + 4·w·d
 *   linear-attention  as mha, attention via φ(K)ᵀV state of size h·(d/h)²:
 *                                                     FLOPs/token 8·d² + 4·d²/h
 *   layernorm         params 2·d (γ, β)                FLOPs/token 8·d (mean, variance, scale, shift)
 *   embedding         params vocab·d                   FLOPs/token 0 (a lookup)
 */
export function estimate(p: EstimateParams): Estimate {
  switch (p.kind) {
    case 'linear': {
      const params = p.dIn * p.dOut + (p.bias === false ? 0 : p.dOut);
      return finish(params, 2 * p.dIn * p.dOut, p.T, '2·dᵢₙ·dₒᵤₜ');
    }
    case 'ffn': {
      const dFf = p.dFf ?? 4 * p.d;
      return finish(2 * p.d * dFf + dFf + p.d, 4 * p.d * dFf, p.T, '4·d·d_ff');
    }
    case 'mha':
      return finish(4 * p.d * p.d + 4 * p.d, 8 * p.d * p.d + 4 * p.T * p.d, p.T, 'O(T²·d): 8·d² + 4·T·d per token');
    case 'sliding-window':
      return finish(4 * p.d * p.d + 4 * p.d, 8 * p.d * p.d + 4 * p.w * p.d, p.T, 'O(T·w·d): 8·d² + 4·w·d per token');
    case 'linear-attention':
      return finish(
        4 * p.d * p.d + 4 * p.d,
        8 * p.d * p.d + (4 * p.d * p.d) / p.heads,
        p.T,
        'O(T·d²/h): 8·d² + 4·d²/h per token',
      );
    case 'layernorm':
      return finish(2 * p.d, 8 * p.d, p.T, '8·d');
    case 'embedding':
      return finish(p.vocab * p.d, 0, p.T, 'lookup');
  }
}

function finish(params: number, flopsPerToken: number, T: number | undefined, formula: string): Estimate {
  return { params, flopsPerToken, flops: flopsPerToken * (T ?? 1), formula };
}

/** The attention-only FLOPs per token (the part that grows with context): 4·T·d, 4·w·d or 4·d²/h. */
export function attentionFlopsPerToken(p: EstimateParams): number {
  switch (p.kind) {
    case 'mha':
      return 4 * p.T * p.d;
    case 'sliding-window':
      return 4 * p.w * p.d;
    case 'linear-attention':
      return (4 * p.d * p.d) / p.heads;
    default:
      return 0;
  }
}

/** Estimates for every element carrying `customData.params` (how library blocks store them). */
export function estimateBlocks(
  elements: readonly { id?: string; isDeleted?: boolean; customData?: Record<string, unknown> }[],
): Map<string, Estimate> {
  const out = new Map<string, Estimate>();
  for (const el of elements) {
    const params = el.customData?.params as EstimateParams | undefined;
    if (el.isDeleted || !el.id || !params || typeof params !== 'object' || !('kind' in params)) continue;
    out.set(el.id, estimate(params));
  }
  return out;
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', T: 'ᵀ' };
const SUBSCRIPT: Record<string, string> = {
  '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉',
  a: 'ₐ', e: 'ₑ', h: 'ₕ', i: 'ᵢ', j: 'ⱼ', k: 'ₖ', l: 'ₗ', m: 'ₘ', n: 'ₙ', o: 'ₒ', p: 'ₚ', r: 'ᵣ', s: 'ₛ', t: 'ₜ', u: 'ᵤ', v: 'ᵥ', x: 'ₓ',
};

/**
 * Plain-text math for canvas labels (Excalidraw renders text, not TeX): `sqrt(` → `√(`, `^2` → `²`,
 * ` * ` → `·`, `_k` → `ₖ`. A sub/superscript with no Unicode form is left as written.
 */
export function mathText(text: string): string {
  return text
    .replace(/sqrt\(/g, '√(')
    .replace(/\s*\*\s*/g, '·')
    .replace(/\^(\w+)/g, (whole, sup: string) => convertAll(sup, SUPERSCRIPT) ?? whole)
    .replace(/_(\w+)/g, (whole, sub: string) => convertAll(sub, SUBSCRIPT) ?? whole);
}

function convertAll(text: string, table: Record<string, string>): string | undefined {
  let out = '';
  for (const ch of text) {
    const mapped = table[ch];
    if (mapped === undefined) return undefined;
    out += mapped;
  }
  return out;
}
