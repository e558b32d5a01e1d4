/**
 * Property checks: extra calls of the candidate's function on inputs the server generates, judged
 * by a relation between their outputs instead of by reference values (PropertySpec in
 * questions/_lib/define.ts). The calls travel in the challenge's case list after the fixed
 * cases, so the browser runs them exactly like hidden cases and sends their outputs with the rest;
 * the server alone decides whether the relation holds.
 */
import { MAX_CHECK_OUTPUTS, type PropertyVerdict, type SerializedValue } from '../../shared/challenge.js';
import type { ChallengeDefinition, PropertySpec } from '../../questions/_lib/define.js';
import { caseSeed, createRng } from '../../questions/_lib/rng.js';

/** One property's generated calls under a seed. */
export interface PropertyCalls {
  name: string;
  description: string;
  calls: SerializedValue[][];
}

/** Relation messages quote the candidate's outputs; clipped like case messages so a verdict stays small. */
const MAX_MESSAGE_CHARS = 300;

export const NO_PROPERTY_OUTPUT_MESSAGE = 'a call of this property threw or returned nothing that can be checked';

/**
 * The calls of every property of `challenge`. Each property draws from its own stream, keyed
 * apart from the fixed cases' (`<id>#property`), so adding a property changes no fixed vector.
 */
export function propertyCalls(challenge: ChallengeDefinition, seed: number): PropertyCalls[] {
  const properties = (challenge.properties ?? []).map((p, index) => {
    const calls = p.make(createRng(caseSeed(seed, `${challenge.id}#property`, index)));
    if (calls.length === 0) throw new Error(`${challenge.id}: property "${p.name}" makes no calls`);
    return { name: p.name, description: p.description, calls };
  });
  const total = challenge.cases.length + callCount(properties);
  if (total > MAX_CHECK_OUTPUTS) throw new Error(`${challenge.id}: ${total} cases and property calls, more than the ${MAX_CHECK_OUTPUTS} a check may send`);
  return properties;
}

/** How many calls the properties add to the case list. */
export const callCount = (properties: readonly PropertyCalls[]) => properties.reduce((n, p) => n + p.calls.length, 0);

/**
 * Judges each property on its slice of `outputs` (one per call, in case-list order). A null output
 * (the call threw) fails its property; a relation that throws on a malformed output fails it too,
 * with the reason, rather than failing the request.
 */
export function judgeProperties(specs: readonly PropertySpec[], properties: readonly PropertyCalls[], outputs: ReadonlyArray<SerializedValue | null>): PropertyVerdict[] {
  if (outputs.length !== callCount(properties)) throw new RangeError(`judgeProperties: ${outputs.length} outputs for ${callCount(properties)} calls`);
  let offset = 0;
  return properties.map((p, i) => {
    const mine = outputs.slice(offset, offset + p.calls.length);
    offset += p.calls.length;
    const base = { name: p.name, description: p.description, calls: p.calls.length };
    if (mine.some((o) => o === null || o === undefined)) return { ...base, pass: false, message: NO_PROPERTY_OUTPUT_MESSAGE };
    let message: string | null;
    try {
      message = specs[i]!.holds(mine as SerializedValue[], p.calls);
    } catch (error) {
      message = `the outputs could not be related: ${error instanceof Error ? error.message : String(error)}`;
    }
    return message === null ? { ...base, pass: true } : { ...base, pass: false, message: clip(message) };
  });
}

function clip(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}
