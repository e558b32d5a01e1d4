/**
 * In-process bus: delivers to every subscriber of the same room document in this process except
 * the publisher. With one server instance there are no other subscribers and publishing costs a
 * map lookup; two instances sharing one LocalBus (as the tests do) behave like two machines on Redis.
 */
import type { DocName } from '../../shared/protocol.js';
import type { Bus, BusHandler, BusMessage } from './port.js';

export class LocalBus implements Bus {
  readonly kind = 'local';
  private readonly topics = new Map<string, Set<BusHandler>>();

  private static key(roomId: string, doc: DocName): string {
    return `${roomId}/${doc}`;
  }

  publish(msg: BusMessage): void {
    const handlers = this.topics.get(LocalBus.key(msg.roomId, msg.doc));
    if (!handlers) return;
    for (const h of handlers) h(msg);
  }

  subscribe(roomId: string, doc: DocName, handler: BusHandler): () => void {
    const key = LocalBus.key(roomId, doc);
    let set = this.topics.get(key);
    if (!set) this.topics.set(key, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.topics.delete(key);
    };
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}
