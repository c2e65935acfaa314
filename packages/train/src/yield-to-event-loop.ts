// Lets other work (signal handlers, progress output, a page's event handlers and rendering) run
// between training steps, in Node and in browsers alike.

/**
 * Resolves on a later turn of the event loop: through `setImmediate` where it exists (Node, with
 * no delay), else through a `MessageChannel` message (browsers, where nested `setTimeout(0)` calls
 * are clamped to 4 ms), else through `setTimeout`.
 *
 * @returns A promise that resolves once queued tasks had their turn.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
    } else if (typeof MessageChannel === 'function') {
      const { port1, port2 } = new MessageChannel();
      // The DOM's MessagePort (Node's typings describe its EventEmitter variant).
      const receiver = port1 as unknown as { onmessage: (() => void) | null; close(): void };
      receiver.onmessage = () => {
        receiver.close();
        resolve();
      };
      port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
