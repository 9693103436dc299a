import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core never downloads a browser here. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags verified for WebGL in headless Chromium without a GPU (../shared/tools/browser/README.md):
 * ANGLE on SwiftShader. `--enable-unsafe-swiftshader` is kept explicit because Chromium's implicit
 * software-WebGL fallback is deprecated.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM=/path/to/chromium)`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 30_000 });
}
