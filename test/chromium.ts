// What the browser tests share: Debian's Chromium launched headless the one way (no sandbox in
// CI containers; no GPU, QUIC, first-run, background networking, component updates or sync, so
// the browser contacts nothing but the test's server on 127.0.0.1), and the page steps every
// logged-in test repeats.

import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium from /usr/bin/chromium (playwright-core downloads no browser here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Wait until the text of `[data-testid=id]` satisfies `ok`; throws with the last text seen. */
export async function waitText(p: Page, id: string, ok: (t: string) => boolean, ms = 5000): Promise<string> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    last = (await p.getByTestId(id).textContent()) ?? '';
    if (ok(last)) return last;
    await p.waitForTimeout(50);
  }
  throw new Error(`[data-testid=${id}] stayed "${last}" for ${ms} ms`);
}

/** Open `url`, log in through the page's form and wait for the user box. */
export async function logInAt(p: Page, url: string, name: string, password: string): Promise<void> {
  await p.goto(url);
  await p.getByTestId('login-name').fill(name);
  await p.getByTestId('login-password').fill(password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('user-role').waitFor();
}
