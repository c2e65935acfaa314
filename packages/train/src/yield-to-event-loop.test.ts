import { afterEach, describe, expect, it, vi } from 'vitest';
import { yieldToEventLoop } from './yield-to-event-loop.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('yieldToEventLoop', () => {
  it('lets a task queued before it run first (setImmediate, as in Node)', async () => {
    let ran = false;
    setImmediate(() => {
      ran = true;
    });
    await yieldToEventLoop();
    expect(ran).toBe(true);
  });

  it('uses a MessageChannel where setImmediate is missing (as in browsers)', async () => {
    const Channel = globalThis.MessageChannel;
    let channels = 0;
    vi.stubGlobal('setImmediate', undefined);
    vi.stubGlobal(
      'MessageChannel',
      class extends Channel {
        constructor() {
          super();
          channels += 1;
        }
      },
    );
    await yieldToEventLoop();
    expect(channels).toBe(1);
  });

  it('falls back to setTimeout where neither exists', async () => {
    let ran = false;
    setTimeout(() => {
      ran = true;
    }, 0);
    vi.stubGlobal('setImmediate', undefined);
    vi.stubGlobal('MessageChannel', undefined);
    await yieldToEventLoop();
    expect(ran).toBe(true);
  });
});
