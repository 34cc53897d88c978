/**
 * A macrotask boundary, so that a worker sees the messages that came in meanwhile (a cancel).
 * A long run of wasm or cpu kernels never gives one by itself: their read-backs resolve as
 * microtasks, so a projection or a calibration awaited end to end would run as one task and
 * the worker's cancel flag would never be set while it ran.
 *
 * A MessageChannel round trip rather than setTimeout(0): browsers clamp nested timers to 4 ms or
 * more, measured at 3.9 ms per yield in a Chromium worker against 0.02 ms for a message.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
