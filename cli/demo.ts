/**
 * `npm run demo`: build the dashboard, generate two years of a 12-store chain (deterministic, with
 * planted truths) into data/demo/, load it into data/quality.duckdb (or DATABASE_PATH) through the
 * ingestion engine, create one demo account per role and a few targets, install the PDF printer's browser
 * when it can (root), and start the server. Re-running loads nothing
 * twice: the same seed gives byte-identical files, and a file already tried (same sha256) is skipped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULTS, generate, type Truth } from '../pipelines/generate';
import { Database, databasePath, queryRows } from '../src/lib/server/core/db';
import { ingest } from '../pipelines/engine';
import { ensureDemoUsers } from '../src/lib/server/core/auth/demo';
import { config, DEFAULT_BODY_SIZE_LIMIT } from '../src/lib/server/core/config';
import { readHandoff } from '../src/lib/server/core/db/handoff';
import type { KindId } from '../src/lib/shared/schema';
import { logToStderr } from '../src/lib/server/core/log';
import { accountsTable, ensureDemoTargets, ensurePdfBrowser } from './demo-setup';

// this terminal is for people: the loads' log lines only when something goes wrong
logToStderr();

const DEMO_DIR = join('data', 'demo');
/**
 * 30,000 complaints, 60,000 survey responses and about 585,000 calls and chats (20 per complaint) over
 * 2024–2025: the contacts add about 12 s here (4 s to write, 8 s to load) to a demo whose build takes minutes.
 */
const DEMO = { scale: 30_000, seed: 1 } as const;
const FILES: [KindId, string][] = [
	['staff', join(DEMO_DIR, 'staff.csv')],
	['traffic', join(DEMO_DIR, 'traffic.csv')],
	['complaints', join(DEMO_DIR, 'complaints.csv')],
	['surveys', join(DEMO_DIR, 'surveys.csv')],
	['appraisals', join(DEMO_DIR, 'appraisals.csv')],
	['contacts', join(DEMO_DIR, 'contacts.csv')],
	['inspections', join(DEMO_DIR, 'inspections.csv')],
	// a bundled sample with seven deliberate errors: shows how a rejected file looks (nothing of it is loaded)
	['surveys', join('data', 'samples', 'surveys_with_errors.csv')]
];

const dbPath = databasePath();
const port = config().port;

if (readHandoff(dbPath)) {
	console.error(`服务器已在运行并占用 ${dbPath}；请先停止它（Ctrl+C）再运行 npm run demo。`);
	process.exit(1);
}

console.log('1/4 构建仪表盘 (vite build) …');
if (spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' }).status !== 0) process.exit(1);
// and the command-line tools, compiled as `npm run build` does, so that `npm run ingest` starts at once
if (spawnSync(process.execPath, ['cli/bundle.js'], { stdio: 'ignore' }).status !== 0) process.exit(1);

console.log(`2/4 生成演示数据（12 家门店，两年）到 ${DEMO_DIR} …`);
const truthPath = join(DEMO_DIR, 'truth.json');
let truth = existsSync(truthPath) ? (JSON.parse(readFileSync(truthPath, 'utf8')) as Truth) : null;
// a demo folder of an earlier span (730 days, to 2025-12-30), or generated before a kind existed, is generated again
if (
	!truth ||
	truth.seed !== DEMO.seed ||
	truth.scale !== DEMO.scale ||
	truth.period.days !== DEFAULTS.days ||
	!FILES.every(([, p]) => existsSync(p))
)
	truth = await generate({ outDir: DEMO_DIR, ...DEMO });
else console.log('   已生成过，沿用');

console.log(`3/4 载入数据到 ${dbPath} …`);
const db = await Database.open(dbPath);
for (const [kind, path] of FILES) {
	const file = basename(path);
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
const targets = await ensureDemoTargets(db, truth.period.to);
db.close();
if (targets.length) console.log(`   设定演示目标：${targets.join('；')}（可在「目标」页修改）`);
console.log('   演示账号：');
console.log(accountsTable(accounts));
console.log('   PDF 导出所需的浏览器 …');
ensurePdfBrowser();

const planted = truth.planted;
console.log('   数据里埋下的事实（看看仪表盘能否发现）/ planted in the data:');
console.log(`   · ${planted.deteriorating_store.store} 自 ${planted.deteriorating_store.from_date} 起投诉率上升`);
console.log(`   · 「${planted.improved_category.category}」类投诉自 ${planted.improved_category.fix_date} 整改后下降`);
console.log(`   · 考核人 ${planted.lenient_reviewer.reviewer} 打分偏宽松`);
const contacts = truth.contacts;
console.log('   · 各门店周末午间（11:00–14:00）服务水平低于 80%');
console.log(
	`   · 坐席 ${contacts.long_aht_best_fcr_agent.name}（${contacts.long_aht_best_fcr_agent.staff_id}）处理时长最长、首次解决率最高`
);
console.log(`   · ${contacts.abandonment_rise.store} 自 ${contacts.abandonment_rise.from_date} 起放弃率上升`);

console.log('4/4 启动服务器 …');
// adapter-node checks form posts against ORIGIN; set ORIGIN=http://<server address>:<port> to open the
// dashboard from other machines of the service centre's network.
const server = spawn(process.execPath, ['build/index.js'], {
	stdio: ['ignore', 'pipe', 'inherit'],
	env: {
		...process.env,
		DATABASE_PATH: dbPath,
		PORT: String(port),
		ORIGIN: process.env.ORIGIN ?? `http://localhost:${port}`,
		BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? DEFAULT_BODY_SIZE_LIMIT,
		// as `npm start`: DuckDB's queries wait in libuv's pool (see docs/benchmarks.md, "Under load"); this terminal shows warnings only
		UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '24',
		// as `npm start`: two malloc arenas instead of one per thread that ever ran a query (docs/operations.md)
		MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
		LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn'
	}
});
server.stdout.on('data', (chunk: Buffer) => {
	process.stdout.write(chunk);
	if (chunk.toString().includes('Listening')) {
		console.log(`\n  仪表盘 / Dashboard:  http://localhost:${port}/  （用上面的演示账号登录 / sign in with a demo account above）`);
		console.log(`  导入记录 / load history:  npm run ingest -- batches\n  按 Ctrl+C 停止。`);
	}
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
