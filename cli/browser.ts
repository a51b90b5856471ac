import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

/**
 * Debian's chromium (prints the PDF reports, drives the browser tests) and the CJK fonts it prints Chinese
 * with. `npm run demo` and `npm test` install them with apt-get when they are absent and this process is
 * root; otherwise they say what to install (INSTALL_COMMAND).
 */
export const CHROMIUM = '/usr/bin/chromium';
export const INSTALL_COMMAND = 'sudo apt-get install -y chromium fonts-noto-cjk';

function hasFonts(): boolean {
	try {
		execSync('dpkg -s fonts-noto-cjk', { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Whether the browser and the fonts are there (`chromium`: CHROMIUM_PATH when set elsewhere). */
export const browserReady = (chromium = CHROMIUM): boolean => existsSync(chromium) && hasFonts();

/**
 * Installs chromium and fonts-noto-cjk from Debian when absent and this process is root. 'ready' when
 * both are there (before or after), 'not_root' when they are missing and cannot be installed from here;
 * an apt-get failure throws.
 */
export function installBrowser(chromium = CHROMIUM): 'ready' | 'not_root' {
	if (browserReady(chromium)) return 'ready';
	if (process.getuid?.() !== 0) return 'not_root';
	console.log('installing chromium and fonts-noto-cjk from Debian …');
	execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk', { stdio: 'inherit' });
	return 'ready';
}
