import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureDemoUsers } from '../../src/lib/server/core/auth/demo';
import { demoAccount } from '../../src/lib/server/core/auth/demo-accounts';
import { get, login, postForm, startServer, type RunningServer } from '../helpers/server';
import { botReceiver } from '../helpers/receivers';
import { toolCommand } from '../helpers/cli';

/**
 * The delivery pages on the built server: a manager adds their own channel and sends a test (发送测试) to
 * a loopback receiver, sees the address with its token hidden and never the secret; the admin page shows
 * it with its owner; `npm run notify` hands its command to the running server.
 */
let server: RunningServer;
let bots: Awaited<ReturnType<typeof botReceiver>>;
let manager: string;
let admin: string;

beforeAll(async () => {
	bots = await botReceiver();
	server = await startServer({ prepare: async (db) => void (await ensureDemoUsers(db)) });
	manager = await login(server, demoAccount('manager').username, demoAccount('manager').password);
	admin = await login(server, demoAccount('admin').username, demoAccount('admin').password);
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await bots?.close();
});

describe('delivery pages', () => {
	it('a manager adds a channel, tests it, and sees neither its token nor its secret again', async () => {
		const add = await postForm(
			server,
			'/notifications?/add',
			{ name: 'my-bot', kind: 'webhook', url: bots.url('/page?token=PAGETOKEN123'), secret: 'PAGESECRET' },
			{ cookie: manager }
		);
		expect(add.status).toBeLessThan(400);
		const test = await postForm(server, '/notifications?/test', { name: 'my-bot' }, { cookie: manager });
		expect(test.status).toBeLessThan(400);
		expect(bots.got.filter((g) => g.path === '/page')).toHaveLength(1);
		const page = await (await get(server, '/notifications', manager)).text();
		expect(page).toContain('my-bot');
		expect(page).toContain('token=…');
		expect(page).not.toContain('PAGETOKEN123');
		expect(page).not.toContain('PAGESECRET');
		const adminPage = await get(server, '/admin/notifications', admin);
		expect(adminPage.status).toBe(200);
		expect(await adminPage.text()).toContain(demoAccount('manager').username);
	});

	it('npm run notify hands its command to the running server', async () => {
		const { stdout } = await promisify(execFile)(...toolCommand('notify', ['channel', 'list', '--db', server.dbPath]));
		expect(stdout).toContain('my-bot');
		expect(stdout).not.toContain('PAGETOKEN123');
	}, 60_000);
});
