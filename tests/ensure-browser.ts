import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium and CJK fonts for the browser tests; installed with apt-get when absent (needs root). */
export function ensureBrowser(): void {
	const fonts = (() => {
		try {
			execSync('dpkg -s fonts-noto-cjk', { stdio: 'ignore' });
			return true;
		} catch {
			return false;
		}
	})();
	if (existsSync(CHROMIUM) && fonts) return;
	if (process.getuid?.() !== 0) {
		throw new Error('Browser tests need Debian chromium and fonts-noto-cjk: run `sudo apt-get install -y chromium fonts-noto-cjk`');
	}
	console.log('installing chromium and fonts-noto-cjk from Debian …');
	execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk', { stdio: 'inherit' });
}
