import { expect, type ConsoleMessage, type test as playwrightTest } from '@playwright/test';

/**
 * Fails every test of the file on a script error, a CSP violation, a hydration warning or a failed
 * request the page logs — except the console messages `allowed` names (e.g. the 403 a test asks for).
 */
export function failOnPageProblems(test: typeof playwrightTest, allowed: (msg: ConsoleMessage) => boolean = () => false): void {
	let problems: string[] = [];
	test.beforeEach(({ page }) => {
		problems = [];
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
		page.on('console', (msg) => {
			if (msg.type() !== 'error' && msg.type() !== 'warning') return;
			if (msg.location().url.endsWith('/favicon.ico') || allowed(msg)) return;
			problems.push(`console ${msg.type()}: ${msg.text()}`);
		});
	});
	test.afterEach(() => {
		expect(problems).toEqual([]);
	});
}
