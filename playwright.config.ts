import { defineConfig } from '@playwright/test';
import { E2E_EMPTY_PORT, E2E_GENERATED_PORT, E2E_PORT, E2E_UPLOAD_PORT } from './tests/e2e/port';

// The app must be built beforehand (`npm run build`); serve.ts loads the samples and starts it.
const server = (port: number, args = '', timeout = 60_000) => ({
	command: `npx tsx tests/e2e/serve.ts --port ${port} ${args}`.trim(),
	url: `http://127.0.0.1:${port}/`,
	reuseExistingServer: false,
	timeout,
	stdout: 'pipe' as const,
	stderr: 'pipe' as const,
	gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 5_000 }
});

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	workers: 1,
	retries: 0,
	// the suite's other parts (vitest with a worker per core) share the machine: an assertion that waits on the
	// server gets 10 s rather than Playwright's 5 (a stop's CI once failed one browser test at 1,257 passed)
	expect: { timeout: 10_000 },
	reporter: 'list',
	use: {
		baseURL: `http://127.0.0.1:${E2E_PORT}`,
		locale: 'zh-CN',
		viewport: { width: 1280, height: 800 },
		headless: true,
		launchOptions: {
			executablePath: '/usr/bin/chromium',
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	webServer: [
		server(E2E_PORT),
		server(E2E_EMPTY_PORT, '--empty'),
		server(E2E_UPLOAD_PORT),
		server(E2E_GENERATED_PORT, '--generated', 240_000)
	]
});
