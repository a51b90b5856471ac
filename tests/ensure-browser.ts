import { CHROMIUM, INSTALL_COMMAND, installBrowser } from '../cli/browser';

export { CHROMIUM };

/** Debian's chromium and CJK fonts for the browser tests; installed with apt-get when absent (needs root). */
export function ensureBrowser(): void {
	if (installBrowser() === 'not_root') throw new Error(`Browser tests need Debian chromium and fonts-noto-cjk: run \`${INSTALL_COMMAND}\``);
}
