/** Debian's Chromium (never a downloaded browser) and the flags every e2e run and benchmark uses. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** WebGPU on (a software SwiftShader adapter without a GPU); no traffic to Google's services. */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // More flags for one run, e.g. CHROMIUM_EXTRA_ARGS="--enable-features=Vulkan" for a Linux GPU.
  ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter((a) => a.length > 0),
];
