import type { Role } from '../../shared/protocol.js';

export interface UserColor {
  /** caret, avatar and pointer colour */
  color: string;
  /** translucent variant for selections; y-codemirror.next paints it under remote selections */
  colorLight: string;
}

/**
 * Each role owns a family of hues so a glance tells who is who (interviewers cool blues and
 * violets, candidates greens and teals, observers warm neutrals), while users within a role
 * still get distinct colours. Every colour keeps white initials legible (contrast >= 4.5:1).
 */
export const ROLE_PALETTES: Record<Role, readonly string[]> = {
  interviewer: ['#1d4ed8', '#6d28d9', '#0e7490', '#4338ca', '#7e22ce', '#1e40af'],
  candidate: ['#047857', '#15803d', '#0f766e', '#3f6212', '#166534', '#115e59'],
  observer: ['#9a3412', '#92400e', '#57534e', '#9f1239', '#854d0e', '#44403c'],
};

/** The badge colour of a role, for chips that describe the role rather than a person. */
export const ROLE_COLOR: Record<Role, string> = {
  interviewer: ROLE_PALETTES.interviewer[0]!,
  candidate: ROLE_PALETTES.candidate[0]!,
  observer: ROLE_PALETTES.observer[2]!,
};

/** `#rrggbb` + alpha byte: Yjs cursors expect a plain CSS colour string. */
export function withAlpha(hex: string, alpha: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return hex + byte.toString(16).padStart(2, '0');
}

/**
 * A stable colour for one Yjs client. The clientID is random per page load, so two people in
 * the same role almost always differ, and a user keeps their colour across reconnects.
 * A multiplicative hash spreads nearby ids (tests create sequential ones) over the palette.
 */
export function userColor(role: Role, clientId: number): UserColor {
  const palette = ROLE_PALETTES[role];
  const hashed = Math.imul(clientId >>> 0, 0x9e3779b1) >>> 0;
  const color = palette[hashed % palette.length]!;
  return { color, colorLight: withAlpha(color, 0.2) };
}

/** Up to two initials for an avatar: "Ada Lovelace" -> "AL", "ada" -> "A". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((word) => Array.from(word)[0]!.toUpperCase()).join('') || '?';
}
