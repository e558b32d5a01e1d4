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
  private readonly topics = new Map<string, Set<DocHandler>>();
  private readonly control = new Set<ControlHandler>();

  private static key(roomId: string, doc: DocName): string {
    return `${roomId}/${doc}`;
  }

  publish(msg: DocMessage): void {
    const handlers = this.topics.get(LocalBus.key(msg.roomId, msg.doc));
    if (!handlers) return;
    for (const h of [...handlers]) queueMicrotask(() => h(msg));
  }

  async subscribe(roomId: string, doc: DocName, handler: DocHandler): Promise<() => void> {
    const key = LocalBus.key(roomId, doc);
    let set = this.topics.get(key);
    if (!set) this.topics.set(key, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.topics.get(key) === set) this.topics.delete(key);
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
