/**
 * The shortcuts dialog renders whatever sections it is given: the live room's list for a role
 * (room/shortcuts.ts) or the replay page's (replay/replayShortcuts.ts).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { ShortcutsDialog } from '../../client/room/ShortcutsDialog.js';
import { roomShortcuts, type ShortcutSection } from '../../client/room/shortcuts.js';
import { REPLAY_SHORTCUTS } from '../../client/replay/replayShortcuts.js';
import type { Role } from '../../shared/protocol.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: { root: Root; container: HTMLElement }[] = [];
afterEach(async () => {
  for (const { root, container } of mounted.splice(0)) {
    await act(async () => root.unmount());
    container.remove();
  }
});

async function render(sections: readonly ShortcutSection[]): Promise<HTMLElement> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push({ root, container });
  await act(async () => root.render(<ShortcutsDialog open onClose={() => undefined} sections={sections} />));
  return container;
}

/** Each row of a section as "label: key key …", gestures and "or" included as they read. */
function rows(container: HTMLElement, testId: string): string[] {
  const table = container.querySelector(`[data-testid="${testId}"]`);
  if (!table) throw new Error(`no ${testId}`);
  return [...table.querySelectorAll('tr')].map((tr) => {
    const [label, keys] = [...tr.querySelectorAll('td')];
    return `${label!.textContent}: ${[...keys!.querySelectorAll('kbd, span.muted')].map((k) => (k.tagName === 'KBD' ? `[${k.textContent}]` : k.textContent)).join(' ')}`;
  });
}

describe('ShortcutsDialog', () => {
  it('lists the replay’s own keys and the view-only canvas’s, with no link out to excalidraw.com', async () => {
    const container = await render(REPLAY_SHORTCUTS);
    const replay = rows(container, 'shortcuts-replay');
    expect(replay).toEqual(
      expect.arrayContaining([
        'Show this list: [?]',
        'Play, pause: [Space]',
        'Previous, next marker: [←] [→]',
        'Previous, next single event (each edit): [Shift] [←] or [→]',
        'Jump to the start, the end: [Home] [End]',
      ]),
    );
    // Only what a read-only canvas does: no drawing tools, no run keys.
    expect(replay.join('\n')).not.toMatch(/Run the code pad|Insert the current/);
    const canvas = rows(container, 'shortcuts-canvas');
    // Gestures read as words, not keys; Mod is spelled for this platform (jsdom: not a Mac).
    expect(canvas).toContain('Pan the canvas: drag or scroll');
    expect(canvas).toContain('Zoom in, out: [Ctrl] [+] or [−]');
    expect(canvas.join('\n')).not.toMatch(/Rectangle|Space/);
    expect(container.querySelector('h3')?.textContent).toBe('On the canvas (Excalidraw)');
    expect(container.querySelector('a')).toBeNull();
  });

  it('lists the live room’s keys by what the role may do', async () => {
    const of = async (role: Role) => {
      const container = await render(roomShortcuts(role));
      return { attn: rows(container, 'shortcuts-attn').join('\n'), canvas: rows(container, 'shortcuts-canvas').join('\n') };
    };
    const candidate = await of('candidate');
    expect(candidate.attn).toContain('Run the code pad (pad or its toolbar focused): [Ctrl] [Enter]');
    expect(candidate.attn).not.toMatch(/rubric/);
    expect(candidate.canvas).toMatch(/Rectangle/);
    expect(candidate.canvas).toContain('Pan the canvas: [Space] + drag or [H]');
    const observer = await of('observer');
    expect(observer.attn).not.toMatch(/Run the code pad|Score the focused/);
    expect(observer.attn).toMatch(/Move between rubric rows/);
    expect(observer.canvas).not.toMatch(/Rectangle/);
    const interviewer = await of('interviewer');
    expect(interviewer.attn).toContain('Score the focused rubric row: [1] – [5]');
  });
});
