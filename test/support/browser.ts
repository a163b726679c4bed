import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ACCOUNTS, TEST_PASSWORD, type AccountName } from './accounts';

/** Debian's Chromium (scripts/setup.sh --test installs it), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error('No Chromium found: run "bash scripts/setup.sh --test" (installs Debian\'s chromium) or set CHROMIUM_PATH.');
}

/** Starts headless Chromium through playwright-core. */
export function launchBrowser(): Promise<Browser> {
  // The sandbox needs user namespaces, which containers and root shells often lack.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 90_000 });
}

/** Opens a fresh browser context and logs in through the login page as a test account. */
export async function logInAs(browser: Browser, baseUrl: string, who: AccountName): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill(ACCOUNTS[who].username);
  await page.getByLabel('密码').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/**
 * Saves a full-page screenshot when SCREENSHOT_DIR is set (`npm run screenshots`); otherwise does nothing.
 * @returns the file written, if any.
 */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
