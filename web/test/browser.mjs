// The Chromium every browser test drives: the machine's Debian build
// (CHROMIUM overrides the path), headless, with the background networking
// that this closed network refuses turned off.
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// launch opens a persistent context on a fresh user data directory;
// extra adds context options (acceptDownloads, ...).
export function launch(userDataDir, extra = {}) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    ...extra,
  });
}
