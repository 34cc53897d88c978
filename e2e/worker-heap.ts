/**
 * The ML worker's JS heap, measured from outside through the Chrome DevTools Protocol
 * (performance.memory exists only in windows): attach to the worker target, collect garbage,
 * read Runtime.getHeapUsage. Chromium only.
 */
import type { Browser, CDPSession } from '@playwright/test';

interface Received {
  sessionId: string;
  message: string;
}

async function sendToTarget(cdp: CDPSession, sessionId: string, method: string, id: number): Promise<Record<string, unknown>> {
  const answer = new Promise<Record<string, unknown>>((resolve) => {
    const onMessage = (e: Received) => {
      const msg = JSON.parse(e.message) as { id?: number; result?: Record<string, unknown> };
      if (e.sessionId !== sessionId || msg.id !== id) return;
      cdp.off('Target.receivedMessageFromTarget', onMessage);
      resolve(msg.result ?? {});
    };
    cdp.on('Target.receivedMessageFromTarget', onMessage);
  });
  await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
  return answer;
}

/** Used heap bytes of the worker named `name` after a full garbage collection. */
export async function workerHeapBytes(browser: Browser, name = 'manifold-lens-ml'): Promise<number> {
  return (await workerMemory(browser, name)).heap;
}

/**
 * The worker's memory after a full garbage collection: its JS heap and, where this Chromium
 * reports it, the backing stores of its ArrayBuffers (where typed-array pixels live); null when not.
 */
export async function workerMemory(browser: Browser, name = 'manifold-lens-ml'): Promise<{ heap: number; buffers: number | null }> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find((t) => t.type === 'worker' && t.title === name) ?? targetInfos.find((t) => t.type === 'worker');
    if (!worker) throw new Error(`no worker target among ${targetInfos.map((t) => t.type).join(', ')}`);
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
    try {
      await sendToTarget(cdp, sessionId, 'HeapProfiler.collectGarbage', 1);
      const usage = await sendToTarget(cdp, sessionId, 'Runtime.getHeapUsage', 2);
      return { heap: Number(usage.usedSize), buffers: typeof usage.backingStorageSize === 'number' ? usage.backingStorageSize : null };
    } finally {
      await cdp.send('Target.detachFromTarget', { sessionId });
    }
  } finally {
    await cdp.detach();
  }
}
