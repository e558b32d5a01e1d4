/**
 * In-process bus: delivers to every subscriber of the same room document in this process. With
 * one attn instance (the default) there is nobody else to hear, and publishing costs a map
 * lookup; two instances handed one LocalBus (as some tests do) behave like two machines on Redis.
 * Delivery is asynchronous (a microtask later), as it is over a network.
 */
import type { DocName } from '../../shared/protocol.js';
import type { Bus, ControlHandler, ControlMessage, DocHandler, DocMessage } from './port.js';

export class LocalBus implements Bus {
  readonly kind = 'local';
  /**
   * per room, per document: each handler and the instance it belongs to (see Bus.subscribe's
   * `self`). Keyed by room, then doc, not by a `room/doc` string: every stored update is
   * published, and building that string for each one was 1.2% of what the main thread allocated
   * at 1000×3 (a room id string is the same object on every call, its hash computed once).
   */
  private readonly topics = new Map<string, Map<DocName, Map<DocHandler, string | undefined>>>();
  private readonly control = new Set<ControlHandler>();

  publish(msg: DocMessage): void {
    const handlers = this.topics.get(msg.roomId)?.get(msg.doc);
    if (!handlers) return;
    // Handlers run a microtask later, so none can change the map while it is walked here.
    for (const [h, self] of handlers) if (self !== msg.origin) queueMicrotask(() => h(msg));
  }

  async subscribe(roomId: string, doc: DocName, handler: DocHandler, self?: string): Promise<() => void> {
    let docs = this.topics.get(roomId);
    if (!docs) this.topics.set(roomId, (docs = new Map()));
    let handlers = docs.get(doc);
    if (!handlers) docs.set(doc, (handlers = new Map()));
    handlers.set(handler, self);
    return () => {
      handlers.delete(handler);
      if (handlers.size > 0 || docs.get(doc) !== handlers) return;
      docs.delete(doc);
      if (docs.size === 0 && this.topics.get(roomId) === docs) this.topics.delete(roomId);
    };
  }

  publishControl(msg: ControlMessage): void {
    for (const h of [...this.control]) queueMicrotask(() => h(msg));
  }

  async subscribeControl(handler: ControlHandler): Promise<() => void> {
    this.control.add(handler);
    return () => this.control.delete(handler);
  }

  /** An in-process bus never loses a message. */
  onResync(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.control.clear();
  }
}
