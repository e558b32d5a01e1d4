/**
 * "Check shapes": turns the scene's elements into a report — edges whose tensor shapes do not fit,
 * and a parameter / FLOP estimate per block whose label (or library data) has enough numbers.
 * Pure, so the panel renders whatever this returns and the tests check it without a browser.
 *
 * Where an estimate's numbers come from, first hit wins:
 *   - model-wide sizes, T (sequence length) and d (width): the block's own label (`T=1M`,
 *     `d=768`, or the last dimension of its shape), else one value bound anywhere on the board
 *     (the input block's `[B, T=1M]`), else what a library block carries in customData.params;
 *   - per-block sizes (heads `h=8`, window `w=512`, `d_ff=`, vocabulary `V=`): the label, else
 *     customData.params. A board-wide `w` would hand one block's window to another.
 * A label edited by hand therefore wins over the numbers the block was created with.
 */
import {
  attentionFlopsPerToken,
  checkShapes,
  estimate,
  parseCount,
  shapesOfLabel,
  type Estimate,
  type EstimateParams,
  type Shape,
  type ShapeCheckElement,
} from '../canvas/shapes.js';

export interface EdgeMismatch {
  arrowId: string;
  fromId: string;
  toId: string;
  fromName: string;
  toName: string;
  /** the source block's output shape, formatted */
  from: string;
  /** the target block's input shape, formatted */
  to: string;
}

export interface BlockEstimate {
  id: string;
  name: string;
  params: EstimateParams;
  estimate: Estimate;
  /** Forward FLOPs for the whole sequence, when T is known. */
  sequenceFlops: number | null;
  /** Windowed attention: how many times cheaper its attention term is than full attention at this T (= T/w). */
  windowSaving: { T: number; w: number; ratio: number } | null;
}

export interface BlockMissingNumbers {
  id: string;
  name: string;
  kind: EstimateParams['kind'];
  /** e.g. ['T'] — what the label would need for an estimate */
  missing: string[];
}

export interface ShapeReport {
  /** arrows bound at both ends to blocks that declare shapes (control-flow arrows excluded) */
  checkedEdges: number;
  mismatches: EdgeMismatch[];
  estimates: BlockEstimate[];
  incomplete: BlockMissingNumbers[];
  total: { params: number; sequenceFlops: number };
}

/** The element fields the report reads: the checker's, plus a text element's unwrapped text. */
export type ReportElement = ShapeCheckElement & { originalText?: string };

const ALIASES: Record<string, string> = {
  T: 'T',
  d: 'd',
  d_model: 'd',
  dmodel: 'd',
  h: 'h',
  heads: 'h',
  w: 'w',
  window: 'w',
  d_ff: 'dFf',
  dff: 'dFf',
  V: 'V',
  vocab: 'V',
};

/**
 * `name=count` anywhere in a label: `h=8`, `w=512`, `T=1M`, `d_ff = 3072`. A count that starts an
 * expression (`d_ff = 4·d`) is not a binding.
 */
const BINDING = /(?<![\p{L}\p{N}_])([A-Za-z][A-Za-z_]*)\s*=\s*(\d[\d_]*(?:\.\d+)?[KkMBG]?)(?![\p{L}\p{N}_.])(?!\s*[·*×/^+−-])/gu;

function bindingsOf(label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const match of label.matchAll(BINDING)) {
    const name = ALIASES[match[1]!];
    const value = parseCount(match[2]!);
    if (name && value !== undefined && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** The block's name: its label's first line without shapes. */
function nameOf(label: string): string {
  const first = label.split('\n')[0]!.replace(/\[[^\]]*\]/g, '').replace(/\s*(→|->)\s*$/, '').trim();
  return first || label.trim();
}

/** The estimator kind a label names, for blocks drawn by hand (library blocks carry theirs). */
export function kindOfLabel(label: string): EstimateParams['kind'] | null {
  const name = nameOf(label).toLowerCase();
  if (/linear attention/.test(name)) return 'linear-attention';
  if (/(sliding|local)[ -]?window|window(ed)? attention|\bswa\b/.test(name)) return 'sliding-window';
  if (/multi-?head attention|\bmha\b|self-attention|full attention/.test(name)) return 'mha';
  if (/feed-?forward|\bffn\b|\bmlp\b/.test(name)) return 'ffn';
  if (/layer ?norm/.test(name)) return 'layernorm';
  if (/token embedding|embedding table/.test(name)) return 'embedding';
  if (/\blinear\b|projection|\bdense\b/.test(name)) return 'linear';
  return null;
}

function lastNumber(shape: Shape | undefined): number | undefined {
  const last = shape?.[shape.length - 1];
  return last?.value;
}

function storedParams(el: ReportElement): EstimateParams | undefined {
  const params = el.customData?.params;
  return params && typeof params === 'object' && 'kind' in params ? (params as EstimateParams) : undefined;
}

type Numbers = { d?: number; T?: number; h?: number; w?: number; dFf?: number; V?: number; dIn?: number; dOut?: number };

function paramsFor(kind: EstimateParams['kind'], n: Numbers): { params: EstimateParams } | { missing: string[] } {
  const need = (...keys: (keyof Numbers)[]) => keys.filter((k) => n[k] === undefined).map((k) => (k === 'h' ? 'h (heads)' : k));
  let missing: string[];
  switch (kind) {
    case 'mha':
      missing = need('d', 'T');
      // heads does not change the mha cost (4·d² weights whatever the split); kept when known.
      if (!missing.length) return { params: { kind, d: n.d!, heads: n.h ?? 1, T: n.T! } };
      break;
    case 'sliding-window':
      missing = need('d', 'T', 'w');
      if (!missing.length) return { params: { kind, d: n.d!, heads: n.h ?? 1, w: n.w!, T: n.T! } };
      break;
    case 'linear-attention':
      missing = need('d', 'T', 'h');
      if (!missing.length) return { params: { kind, d: n.d!, heads: n.h!, T: n.T! } };
      break;
    case 'ffn':
      missing = need('d');
      if (!missing.length) return { params: { kind, d: n.d!, ...(n.dFf ? { dFf: n.dFf } : {}), ...(n.T ? { T: n.T } : {}) } };
      break;
    case 'layernorm':
      missing = need('d');
      if (!missing.length) return { params: { kind, d: n.d!, ...(n.T ? { T: n.T } : {}) } };
      break;
    case 'embedding':
      missing = need('V', 'd');
      if (!missing.length) return { params: { kind, vocab: n.V!, d: n.d!, ...(n.T ? { T: n.T } : {}) } };
      break;
    case 'linear':
      missing = need('dIn', 'dOut');
      if (!missing.length) return { params: { kind, dIn: n.dIn!, dOut: n.dOut!, ...(n.T ? { T: n.T } : {}) } };
      break;
  }
  return { missing };
}

function numbersFor(label: string, stored: EstimateParams | undefined, scope: Map<string, number>): Numbers {
  const own = bindingsOf(label);
  const shapes = shapesOfLabel(label);
  const s = (stored ?? {}) as Partial<Record<'d' | 'T' | 'heads' | 'w' | 'dFf' | 'vocab' | 'dIn' | 'dOut', number>>;
  const shapeT = [...(shapes?.input ?? []), ...(shapes?.output ?? [])].find((dim) => dim.kind === 'sym' && dim.name === 'T')?.value;
  return {
    T: own.get('T') ?? shapeT ?? scope.get('T') ?? s.T,
    d: own.get('d') ?? lastNumber(shapes?.output) ?? s.d ?? scope.get('d'),
    h: own.get('h') ?? s.heads,
    w: own.get('w') ?? s.w,
    dFf: own.get('dFf') ?? s.dFf,
    V: own.get('V') ?? s.vocab,
    dIn: lastNumber(shapes?.input) ?? s.dIn,
    dOut: lastNumber(shapes?.output) ?? s.dOut,
  };
}

/**
 * Label text per element id: a skeleton's `label.text`, or a bound text element's `originalText`
 * (its `text` has the soft line breaks Excalidraw wraps it with, which would split names).
 */
function labelsById(elements: readonly ReportElement[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const el of elements) if (!el.isDeleted && el.id && el.label?.text) labels.set(el.id, el.label.text);
  for (const el of elements) {
    const text = el.originalText ?? el.text;
    if (el.isDeleted || el.type !== 'text' || !el.containerId || text === undefined) continue;
    labels.set(el.containerId, text);
  }
  return labels;
}

/** T and d bound to exactly one value across the board; a symbol bound to two values is ambiguous and unused. */
function boardScope(labels: Iterable<string>): Map<string, number> {
  const seen = new Map<string, Set<number>>();
  for (const label of labels) {
    for (const [name, value] of bindingsOf(label)) {
      if (name !== 'T' && name !== 'd') continue;
      (seen.get(name) ?? seen.set(name, new Set()).get(name)!).add(value);
    }
  }
  const scope = new Map<string, number>();
  for (const [name, values] of seen) if (values.size === 1) scope.set(name, [...values][0]!);
  return scope;
}

export function shapeReport(elements: readonly ReportElement[]): ShapeReport {
  const labels = labelsById(elements);
  const name = (id: string) => nameOf(labels.get(id) ?? id);
  const present = new Map(elements.filter((el) => !el.isDeleted && el.id).map((el) => [el.id!, el]));

  let checkedEdges = 0;
  for (const el of present.values()) {
    if (el.type !== 'arrow' || el.customData?.control === true) continue;
    const fromId = el.startBinding?.elementId ?? el.start?.id;
    const toId = el.endBinding?.elementId ?? el.end?.id;
    if (!fromId || !toId) continue;
    const from = labels.get(fromId);
    const to = labels.get(toId);
    if (from !== undefined && to !== undefined && shapesOfLabel(from) && shapesOfLabel(to)) checkedEdges++;
  }
  const mismatches = checkShapes(elements).map((m) => ({ ...m, fromName: name(m.fromId), toName: name(m.toId) }));

  const scope = boardScope(labels.values());
  const estimates: BlockEstimate[] = [];
  const incomplete: BlockMissingNumbers[] = [];
  for (const el of present.values()) {
    if (el.type === 'arrow' || el.type === 'text' || el.type === 'line') continue;
    const label = labels.get(el.id!) ?? '';
    const stored = storedParams(el);
    const kind = stored?.kind ?? kindOfLabel(label);
    if (!kind) continue;
    const numbers = numbersFor(label, stored, scope);
    const result = paramsFor(kind, numbers);
    if ('missing' in result) {
      incomplete.push({ id: el.id!, name: name(el.id!), kind, missing: result.missing });
      continue;
    }
    const params = result.params;
    const est = estimate(params);
    const T = 'T' in params ? params.T : undefined;
    let windowSaving: BlockEstimate['windowSaving'] = null;
    if (params.kind === 'sliding-window') {
      const full = attentionFlopsPerToken({ kind: 'mha', d: params.d, heads: params.heads, T: params.T });
      windowSaving = { T: params.T, w: params.w, ratio: full / attentionFlopsPerToken(params) };
    }
    estimates.push({
      id: el.id!,
      name: name(el.id!),
      params,
      estimate: est,
      sequenceFlops: T === undefined ? null : est.flops,
      windowSaving,
    });
  }
  const total = {
    params: estimates.reduce((sum, e) => sum + e.estimate.params, 0),
    sequenceFlops: estimates.reduce((sum, e) => sum + (e.sequenceFlops ?? 0), 0),
  };
  return { checkedEdges, mismatches, estimates, incomplete, total };
}
