/**
 * `npm run demo`: build the dashboard, create data/quality.duckdb (or DATABASE_PATH), load the bundled
 * samples through the ingestion engine, and start the server. Re-running loads nothing twice:
 * committed files are recognised by their sha256, and a file already tried is not tried again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database, databasePath, queryRows } from '../src/lib/server/db';
import { ingest } from '../pipelines/engine';
import { ensureDemoUsers } from '../src/lib/server/auth/demo';
import { DEFAULT_BODY_SIZE_LIMIT } from '../src/lib/server/auth/config';
import { readHandoff } from '../src/lib/server/db/handoff';
import type { KindId } from '../pipelines/schema';

const SAMPLES: [KindId, string][] = [
	['staff', 'staff.csv'],
	['traffic', 'traffic.csv'],
	['complaints', 'complaints_gbk.csv'],
	['surveys', 'surveys.csv'],
	['appraisals', 'appraisals.csv'],
	// deliberately broken: shows how a rejected file looks
	['surveys', 'surveys_with_errors.csv']
];

const dbPath = databasePath();
const port = Number(process.env.PORT ?? 3000);

if (readHandoff(dbPath)) {
	console.error(`服务器已在运行并占用 ${dbPath}；请先停止它（Ctrl+C）再运行 npm run demo。`);
	process.exit(1);
}

console.log('1/3 构建仪表盘 (vite build) …');
if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) process.exit(1);

console.log(`2/3 载入示例数据到 ${dbPath} …`);
const db = await Database.open(dbPath);
for (const [kind, file] of SAMPLES) {
	const path = join('data', 'samples', file);
	const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
	const tried = await db.withConnection((c) => queryRows(c, 'SELECT 1 FROM batches WHERE sha256 = $1 AND kind = $2', [sha, kind]));
	if (tried.length > 0) {
		console.log(`   ${file}: 已载入过，跳过`);
		continue;
	}
	const s = await ingest(db, { kind, filePath: path, source: 'cli', createdBy: 'demo' });
	console.log(`   ${file}: ${s.message}`);
}
// One account per role, so every view can be tried; the passwords are for this demo only.
const accounts = await ensureDemoUsers(db);
db.close();
console.log('   演示账号 / demo accounts:');
console.table(accounts.map((a) => ({ 用户名: a.username, 姓名: a.displayName, 角色: a.role, 门店: a.stores?.join('、') ?? '全部', 个人信息: a.pii ? '可查看' : '打码', 密码: a.password, 状态: a.created ? '新建' : '已存在（密码若改过以改后的为准）' })));

console.log('3/3 启动服务器 …');
const server = spawn(process.execPath, ['build/index.js'], {
	stdio: ['ignore', 'pipe', 'inherit'],
	env: { ...process.env, DATABASE_PATH: dbPath, PORT: String(port), ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}`, BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? DEFAULT_BODY_SIZE_LIMIT }
});
server.stdout.on('data', (chunk: Buffer) => {
	process.stdout.write(chunk);
	if (chunk.toString().includes('Listening')) {
		console.log(`\n  仪表盘 / Dashboard:  http://localhost:${port}/  （用上面的演示账号登录 / sign in with a demo account above）`);
		console.log(`  命令行导入 / CLI:    npm run ingest -- surveys data/samples/surveys.csv\n  按 Ctrl+C 停止。`);
	}
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
