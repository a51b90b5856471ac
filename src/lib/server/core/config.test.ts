import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { ConfigError, readConfig } from '$lib/server/core/config';

describe('the settings, read once from the environment', () => {
	it('has the product defaults', () => {
		expect(readConfig({})).toMatchObject({
			port: 3000,
			databasePath: resolve('data/quality.duckdb'),
			metricCache: true,
			chromiumPath: '/usr/bin/chromium',
			timeZone: 'Asia/Shanghai',
			reportOrigin: null,
			logLevel: null,
			profile: false,
			lang: 'zh-CN',
			shutdownTimeoutS: 30,
			shutdownLoadGraceS: 20,
			duckdb: { memoryLimit: '384MB', toolMemoryLimit: '512MB', threads: null, readers: Math.max(4, 2 * availableParallelism()) },
			auth: { rateWindowMs: 60_000, maxFailuresPerAccount: 5, maxFailuresPerIp: 20, bodyLimitBytes: 50 * 1024 ** 2 }
		});
	});

	it('reads each variable', () => {
		const c = readConfig({
			PORT: '4000',
			DATABASE_PATH: '/srv/q.duckdb',
			METRIC_CACHE: 'off',
			REPORT_ORIGIN: 'http://127.0.0.1:4000/x',
			LOG_LEVEL: 'debug',
			SQA_PROFILE: '1',
			QUALITY_LANG: 'en_US.UTF-8',
			SHUTDOWN_TIMEOUT: '10',
			SHUTDOWN_LOAD_GRACE: '20',
			DUCKDB_MEMORY_LIMIT: ' 1.5GiB ',
			DUCKDB_THREADS: '2',
			DUCKDB_READERS: ' 3 '
		});
		expect(c).toMatchObject({
			port: 4000,
			databasePath: '/srv/q.duckdb',
			metricCache: false,
			reportOrigin: 'http://127.0.0.1:4000',
			logLevel: 'debug',
			profile: true,
			lang: 'en',
			duckdb: { memoryLimit: '1.5GiB', toolMemoryLimit: '1.5GiB', threads: 2, readers: 3 }
		});
		// the load's grace stays 5 s under the time adapter-node gives open connections
		expect(c.shutdownLoadGraceS).toBe(5);
	});

	it.each([
		['PORT', 'eighty'],
		['METRIC_CACHE', 'maybe'],
		['LOG_LEVEL', 'loud'],
		['REPORT_ORIGIN', 'ftp://x'],
		['SHUTDOWN_TIMEOUT', '-1'],
		['AUTH_RATE_WINDOW_MS', '0'],
		['BODY_SIZE_LIMIT', 'big'],
		['TZ_DISPLAY', 'Mars/Olympus'],
		['TZ_DISPLAY', '+08:00x'],
		['DUCKDB_MEMORY_LIMIT', '640'],
		['DUCKDB_MEMORY_LIMIT', '80%'],
		['DUCKDB_THREADS', '0'],
		['DUCKDB_READERS', '0'],
		['DUCKDB_READERS', 'all']
	])('refuses %s=%s naming the variable, in Chinese and English', (name, value) => {
		let err: unknown;
		try {
			readConfig({ [name]: value });
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(ConfigError);
		expect((err as Error).message).toContain(`环境变量 ${name}="${value}" 无效`);
		expect((err as Error).message).toContain(`${name}="${value}" is not valid`);
	});

	it('reads TZ_DISPLAY as a canonical IANA zone, which schedules follow unless NOTIFY_TIMEZONE says otherwise', () => {
		const c = readConfig({ TZ_DISPLAY: 'europe/berlin' });
		expect(c.timeZone).toBe('Europe/Berlin');
		expect(c.notify.timeZone).toBe('Europe/Berlin');
		expect(readConfig({ TZ_DISPLAY: 'UTC', NOTIFY_TIMEZONE: 'Asia/Tokyo' }).notify.timeZone).toBe('Asia/Tokyo');
		expect(readConfig({ TZ_DISPLAY: ' ' }).timeZone).toBe('Asia/Shanghai');
	});
});
