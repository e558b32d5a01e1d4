import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import type { AwarenessState } from '../../shared/doc.js';
import {
  CanvasPresence,
  PRESENCE_THROTTLE_MS,
  collaboratorsFromStates,
  followersOf,
  socketIdOf,
  viewForBounds,
} from '../../client/canvas/presence.js';
import type { SocketId } from '../../client/canvas/excalidrawApi.js';
import { FakeExcalidraw } from './canvas-fakes.js';

const alice = { name: 'Alice', role: 'interviewer', color: '#1971c2', colorLight: '#1971c233' } as const;
const bob = { name: 'Bob', role: 'candidate', color: '#2f9e44', colorLight: '#2f9e4433' } as const;

function peer(user: AwarenessState['user']) {
  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user });
  return awareness;
}

/** Delivers `from`'s current state to `to`, as the provider would. */
function relay(from: Awareness, to: Awareness) {
  applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [from.clientID]), 'remote');
}

function localState(awareness: Awareness): AwarenessState {
  return awareness.getLocalState() as AwarenessState;
}

describe('collaboratorsFromStates', () => {
  it('renders every remote user with name, colour, pointer, button and selection, and skips us', () => {
    const states = new Map<number, AwarenessState>([
      [1, { user: alice, pointer: { x: 1, y: 2, tool: 'pointer', button: 'up' } }],
      [2, { user: bob, pointer: { x: 5, y: 6, tool: 'laser', button: 'down' }, selectedElementIds: { e1: true } }],
      [3, { cursor: {} }],
    ]);
    const collaborators = collaboratorsFromStates(states, 1);
    expect([...collaborators.keys()]).toEqual(['2']);
    expect(collaborators.get('2' as SocketId)).toEqual({
      id: expect.stringMatching(/^2(~\d+)?$/), // chosen for its Excalidraw hue; see collaboratorIdFor
      socketId: '2',
      username: 'Bob',
      color: { background: '#2f9e44', stroke: '#2f9e44' },
      pointer: { x: 5, y: 6, tool: 'laser' },
      button: 'down',
      selectedElementIds: { e1: true },
    });
  });

  it('drops a malformed pointer instead of handing it to Excalidraw', () => {
    const states = new Map<number, AwarenessState>([
      [2, { user: bob, pointer: { x: 'nope', y: 1 } as unknown as AwarenessState['pointer'] }],
    ]);
    expect(collaboratorsFromStates(states, 1).get('2' as SocketId)?.pointer).toBeUndefined();
  });

  it('lists who follows us', () => {
    const states = new Map<number, AwarenessState>([
      [1, { user: alice }],
      [2, { user: bob, following: 1 }],
      [3, { user: bob, following: 2 }],
    ]);
    expect([...followersOf(states, 1)]).toEqual(['2']);
  });
});

describe('CanvasPresence', () => {
  let presences: CanvasPresence[] = [];
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    for (const presence of presences) presence.destroy();
    presences = [];
    vi.useRealTimers();
  });

  function start(awareness: Awareness, api = new FakeExcalidraw()) {
    const presence = new CanvasPresence({ awareness, api });
    presences.push(presence);
    return { presence, api };
  }

  it('publishes the pointer at most once per throttle window, keeping the latest position', () => {
    const local = peer(alice);
    const { presence } = start(local);
    const published: unknown[] = [];
    local.on('change', () => published.push(localState(local).pointer));

    presence.onPointerUpdate({ pointer: { x: 0, y: 0, tool: 'pointer' }, button: 'up' });
    for (let i = 1; i <= 10; i++) presence.onPointerUpdate({ pointer: { x: i, y: i, tool: 'pointer' }, button: 'up' });
    expect(published).toEqual([{ x: 0, y: 0, tool: 'pointer', button: 'up' }]);

    vi.advanceTimersByTime(PRESENCE_THROTTLE_MS);
    expect(published).toEqual([
      { x: 0, y: 0, tool: 'pointer', button: 'up' },
      { x: 10, y: 10, tool: 'pointer', button: 'up' },
    ]);
  });

  it('sends a button or tool change at once, so laser strokes start and end on time', () => {
    const local = peer(alice);
    const { presence } = start(local);
    presence.onPointerUpdate({ pointer: { x: 0, y: 0, tool: 'laser' }, button: 'up' });
    presence.onPointerUpdate({ pointer: { x: 1, y: 1, tool: 'laser' }, button: 'down' });
    expect(localState(local).pointer).toEqual({ x: 1, y: 1, tool: 'laser', button: 'down' });
    presence.onPointerUpdate({ pointer: { x: 2, y: 2, tool: 'laser' }, button: 'up' });
    expect(localState(local).pointer).toEqual({ x: 2, y: 2, tool: 'laser', button: 'up' });
  });

  it('keeps fields it does not own (the code pad cursor, the user)', () => {
    const local = peer(alice);
    local.setLocalStateField('cursor', { anchor: 1 });
    const { presence } = start(local);
    presence.onPointerUpdate({ pointer: { x: 3, y: 4, tool: 'pointer' }, button: 'up' });
    expect(localState(local)).toMatchObject({ user: alice, cursor: { anchor: 1 }, pointer: { x: 3, y: 4 } });
  });

  it('publishes selection and visible scene bounds from appState', () => {
    const local = peer(alice);
    const { presence, api } = start(local);
    presence.onAppState({ ...api.appState, selectedElementIds: { b: true, a: true }, scrollX: -10, scrollY: -20 });
    vi.advanceTimersByTime(PRESENCE_THROTTLE_MS);
    expect(localState(local).selectedElementIds).toEqual({ a: true, b: true });
    expect(localState(local).viewport).toEqual({ minX: 10, minY: 20, maxX: 1210, maxY: 820 });
  });

  it('renders remote users as Excalidraw collaborators, including a laser pointer', () => {
    const local = peer(alice);
    const remote = peer(bob);
    const { api } = start(local);
    remote.setLocalStateField('pointer', { x: 40, y: 50, tool: 'laser', button: 'down' });
    relay(remote, local);
    const collaborator = api.appState.collaborators.get(socketIdOf(remote.clientID));
    expect(collaborator?.username).toBe('Bob');
    expect(collaborator?.pointer).toEqual({ x: 40, y: 50, tool: 'laser' });
    expect(collaborator?.button).toBe('down');
    expect(api.appState.collaborators.has(socketIdOf(local.clientID))).toBe(false);
  });

  it('ignores its own awareness changes instead of re-rendering collaborators', () => {
    const local = peer(alice);
    const { presence, api } = start(local);
    const before = api.sceneUpdates.length;
    presence.onPointerUpdate({ pointer: { x: 1, y: 1, tool: 'pointer' }, button: 'up' });
    expect(api.sceneUpdates.length).toBe(before);
  });

  it('follows a user: announces it, jumps to their view and tracks it until unfollowing', () => {
    const local = peer(alice);
    const remote = peer(bob);
    const { api } = start(local);
    const theirView = { minX: 100, minY: 100, maxX: 500, maxY: 400 };
    remote.setLocalStateField('viewport', theirView);
    relay(remote, local);

    api.emitFollow({ userToFollow: { socketId: socketIdOf(remote.clientID), username: 'Bob' }, action: 'FOLLOW' });
    expect(localState(local).following).toBe(remote.clientID);
    const expected = viewForBounds(theirView, api.appState);
    expect(api.appState.scrollX).toBeCloseTo(expected.scrollX);
    expect(api.appState.scrollY).toBeCloseTo(expected.scrollY);
    expect(api.appState.zoom.value).toBeCloseTo(expected.zoom.value);

    const moved = { minX: -1000, minY: -500, maxX: -200, maxY: 100 };
    remote.setLocalStateField('viewport', moved);
    relay(remote, local);
    expect(api.appState.scrollX).toBeCloseTo(viewForBounds(moved, api.appState).scrollX);

    api.emitFollow({ userToFollow: { socketId: socketIdOf(remote.clientID), username: 'Bob' }, action: 'UNFOLLOW' });
    expect(localState(local).following).toBeNull();
    const scrollAfterUnfollow = api.appState.scrollX;
    remote.setLocalStateField('viewport', { minX: 5000, minY: 5000, maxX: 6000, maxY: 6000 });
    relay(remote, local);
    expect(api.appState.scrollX).toBe(scrollAfterUnfollow);
  });

  it('sets followedBy to the users following us', () => {
    const local = peer(alice);
    const remote = peer(bob);
    const { api } = start(local);
    remote.setLocalStateField('following', local.clientID);
    relay(remote, local);
    expect([...api.appState.followedBy]).toEqual([socketIdOf(remote.clientID)]);
    remote.setLocalStateField('following', null);
    relay(remote, local);
    expect(api.appState.followedBy.size).toBe(0);
  });

  it('in a mutual follow, only the higher client id moves, so nobody chases forever', () => {
    const a = peer(alice);
    const b = peer(bob);
    const [low, high] = a.clientID < b.clientID ? [a, b] : [b, a];
    const lowSide = start(low);
    const highSide = start(high);
    lowSide.api.emitFollow({ userToFollow: { socketId: socketIdOf(high.clientID), username: 'x' }, action: 'FOLLOW' });
    highSide.api.emitFollow({ userToFollow: { socketId: socketIdOf(low.clientID), username: 'y' }, action: 'FOLLOW' });
    relay(low, high);
    relay(high, low);

    const lowScroll = lowSide.api.appState.scrollX;
    high.setLocalStateField('viewport', { minX: 900, minY: 900, maxX: 1000, maxY: 1000 });
    relay(high, low);
    expect(lowSide.api.appState.scrollX).toBe(lowScroll);

    low.setLocalStateField('viewport', { minX: -900, minY: -900, maxX: -800, maxY: -800 });
    relay(low, high);
    expect(highSide.api.appState.scrollX).toBeCloseTo(
      viewForBounds({ minX: -900, minY: -900, maxX: -800, maxY: -800 }, highSide.api.appState).scrollX,
    );
  });

  it('turns a Follow from the presence bar (local awareness `following`) into Excalidraw follow mode', () => {
    const local = peer(alice);
    const remote = peer(bob);
    relay(remote, local);
    const { api } = start(local);
    local.setLocalStateField('following', remote.clientID);
    expect(api.appState.userToFollow).toEqual({ socketId: socketIdOf(remote.clientID), username: 'Bob' });
    // Excalidraw then announces it; the presence takes it up like an avatar click
    api.emitFollow({ userToFollow: { socketId: socketIdOf(remote.clientID), username: 'Bob' }, action: 'FOLLOW' });
    local.setLocalStateField('following', null);
    expect(api.appState.userToFollow).toBeNull();
  });

  it('jumps to an interviewer\'s view on their summon, not on a candidate\'s, and reports it', () => {
    const local = peer(bob);
    const boss = peer(alice);
    const other = peer({ ...bob, name: 'Eve' });
    const events: unknown[] = [];
    const api = new FakeExcalidraw();
    presences.push(new CanvasPresence({ awareness: local, api, onPeerEvent: (e) => events.push(e) }));
    const far = { minX: 5000, minY: 5000, maxX: 6000, maxY: 5600 };
    for (const p of [boss, other]) {
      p.setLocalStateField('viewport', far);
      relay(p, local);
    }
    other.setLocalStateField('summon', { seq: 1 });
    relay(other, local);
    expect(events).toEqual([]);
    boss.setLocalStateField('summon', { seq: 1 });
    relay(boss, local);
    expect(events).toEqual([{ kind: 'summon', clientId: boss.clientID, name: 'Alice', viewport: far }]);
    const view = viewForBounds(far, api.getAppState());
    expect(api.appState.scrollX).toBeCloseTo(view.scrollX);
    expect(api.appState.scrollY).toBeCloseTo(view.scrollY);
  });

  it('withdraws its pointer and follow on destroy, leaving the rest of the state', () => {
    const local = peer(alice);
    const { presence } = start(local);
    presence.onPointerUpdate({ pointer: { x: 1, y: 1, tool: 'pointer' }, button: 'up' });
    presence.destroy();
    expect(localState(local)).toMatchObject({ user: alice, pointer: null, following: null });
  });
});

describe('collaborator colours follow the user colour', () => {
  it('picks an id whose Excalidraw hue bucket matches the user colour', async () => {
    const { collaboratorIdFor, hueOf } = await import('../../client/canvas/presence.js');
    const hash = (id: string) => {
      let h = 0;
      for (let i = 0; i < id.length; i++) h = ((h << 5) - h + id.charCodeAt(i)) | 0;
      return h;
    };
    expect(hueOf('#ff0000')).toBe(0);
    expect(hueOf('#00ff00')).toBe(120);
    expect(hueOf('#0000ff')).toBe(240);
    for (const color of ['#1d4ed8', '#047857', '#9a3412', '#6d28d9']) {
      const id = collaboratorIdFor('12345', color);
      expect(id.startsWith('12345')).toBe(true);
      expect(Math.abs(hash(id)) % 37).toBe(Math.round(hueOf(color)! / 10) % 37);
    }
    expect(collaboratorIdFor('12345', undefined)).toBe('12345');
  });
});
