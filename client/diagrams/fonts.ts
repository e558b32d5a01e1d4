/**
 * Text is measured when it is created (convertToExcalidrawElements sizes every label), and if
 * Excalidraw's font has not loaded yet the measure uses a fallback font. Excalidraw repaints
 * once the font arrives but keeps the stored width, so the first template inserted on a cold page
 * had clipped labels ("[nput tokens", "ocal window attention") on every screen, in replay and in
 * export. So: load the fonts for exactly the characters about to be inserted, then convert.
 */
import { FONT_FAMILY } from '@excalidraw/excalidraw';

/** Excalidraw's default family (Excalifont) for elements and skeletons that name none. */
export const DEFAULT_FONT_FAMILY: number = FONT_FAMILY.Excalifont;

/** A slow font server must not block an insert forever: past this it goes ahead as before. */
export const FONT_WAIT_MS = 5000;

export interface TextLike {
  text?: string;
  fontFamily?: number;
  label?: { text?: string; fontFamily?: number };
}

function familyName(id: number): string | null {
  for (const [name, value] of Object.entries(FONT_FAMILY)) if (value === id) return name;
  return null;
}

/** The CSS font strings to load, with the characters each must cover. */
export function fontRequests(items: readonly TextLike[]): { font: string; chars: string }[] {
  const chars = new Map<number, Set<string>>();
  const add = (text: string | undefined, family: number | undefined) => {
    if (!text) return;
    const id = family ?? DEFAULT_FONT_FAMILY;
    const set = chars.get(id) ?? new Set<string>();
    for (const ch of text) if (!/\s/.test(ch)) set.add(ch);
    chars.set(id, set);
  };
  for (const item of items) {
    add(item.text, item.fontFamily);
    add(item.label?.text, item.label?.fontFamily ?? item.fontFamily);
  }
  const out: { font: string; chars: string }[] = [];
  for (const [id, set] of chars) {
    const name = familyName(id);
    // The size does not matter for loading; the family and the unicode ranges do.
    if (name && set.size > 0) out.push({ font: `16px "${name}"`, chars: [...set].join('') });
  }
  return out;
}

/** Resolves once the fonts for these texts are loaded (or FONT_WAIT_MS has passed). */
export async function loadFontsFor(items: readonly TextLike[], timeoutMs = FONT_WAIT_MS): Promise<void> {
  const requests = fontRequests(items);
  if (requests.length === 0 || typeof document === 'undefined' || !document.fonts) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  const loads = Promise.all(requests.map((r) => document.fonts.load(r.font, r.chars).catch(() => []))).then(() => undefined);
  await Promise.race([loads, timeout]);
  clearTimeout(timer);
}
