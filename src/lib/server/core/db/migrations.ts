/**
 * Versioned schema migrations. Each entry is applied once, in order, inside its own transaction,
 * and recorded in `schema_migrations`; never edit an applied entry, add a new one.
 *
 * Vocabularies (ENUM types) mirror the ingestion schemas in `src/lib/shared/schema/`; a test checks they agree.
 * Natural keys are enforced by the ingestion engine (delete-then-insert by key inside one transaction)
 * rather than by PRIMARY KEY indexes: ART indexes cost memory and insert time at millions of rows and
 * do not help the aggregate queries the dashboards run. `npm test` checks key uniqueness after loads.
 */
export interface Migration {
	version: number;
	name: string;
	sql: string;
}

const historyOf = (table: string) => `CREATE TABLE ${table}_replaced AS SELECT *, 0::INTEGER AS replaced_by FROM ${table} LIMIT 0;`;

/** Migration 16's columns of the complaint rollups: per SLA clock, done after receipt, done within the limit, without the time. */
const SLA_COUNT_COLUMNS = ['response', 'resolution'].flatMap((w) => [`${w}_done`, `${w}_in_time`, `${w}_open`]);

export const migrations: Migration[] = [
	{
		version: 1,
		name: 'source tables, batches and rejected rows',
		sql: `
CREATE TYPE channel_t AS ENUM ('电话', '现场', '在线', '邮件', '信函', '传真', '社交媒体');
CREATE TYPE category_t AS ENUM ('商品质量', '服务态度', '价格', '环境设施', '售后服务', '物流配送', '会员积分', '其他');
CREATE TYPE severity_t AS ENUM ('一般', '重大');
CREATE TYPE complaint_status_t AS ENUM ('待处理', '处理中', '已办结');
CREATE TYPE survey_method_t AS ENUM ('问卷', '访谈', '神秘顾客');
CREATE TYPE period_type_t AS ENUM ('month', 'quarter', 'year');
CREATE TYPE grade_t AS ENUM ('A', 'B', 'C', 'D');
CREATE TYPE staff_status_t AS ENUM ('在职', '离职');

CREATE SEQUENCE batch_id_seq START 1;
CREATE TABLE batches (
  batch_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL CHECK (kind IN ('complaints', 'surveys', 'appraisals', 'traffic', 'staff')),
  file_name VARCHAR NOT NULL,
  sha256 VARCHAR NOT NULL,
  size_bytes BIGINT NOT NULL,
  encoding VARCHAR,
  delimiter VARCHAR,
  source VARCHAR NOT NULL CHECK (source IN ('cli', 'web')),
  created_by VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('committed', 'rejected', 'rolled_back')),
  accept_partial BOOLEAN NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_loaded INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_collapsed INTEGER NOT NULL,
  rows_replaced INTEGER NOT NULL,
  mapping JSON,
  warnings JSON,
  rolled_back_at TIMESTAMP,
  rolled_back_by VARCHAR
);

CREATE TABLE rejected_rows (
  batch_id INTEGER NOT NULL,
  row_number INTEGER,
  column_name VARCHAR,
  raw_value VARCHAR,
  reason_code VARCHAR NOT NULL,
  reason_params JSON,
  reason VARCHAR NOT NULL,
  raw_row JSON
);

CREATE TABLE complaints (
  complaint_id VARCHAR NOT NULL,
  received_at TIMESTAMP NOT NULL,
  channel channel_t,
  store VARCHAR NOT NULL,
  department VARCHAR,
  category category_t,
  severity severity_t NOT NULL,
  summary VARCHAR,
  customer_name VARCHAR,
  customer_phone VARCHAR,
  -- keyed hash (HMAC-SHA256, key beside the database) of the phone digits: repeat complaints without reading phones
  customer_phone_hash UBIGINT,
  handler_id VARCHAR,
  subject_staff_id VARCHAR,
  in_scope BOOLEAN,
  escalated BOOLEAN,
  first_response_at TIMESTAMP,
  resolved_at TIMESTAMP,
  status complaint_status_t NOT NULL,
  resolution VARCHAR,
  follow_up_at TIMESTAMP,
  follow_up_satisfaction TINYINT CHECK (follow_up_satisfaction BETWEEN 1 AND 5),
  compensation DECIMAL(12, 2),
  batch_id INTEGER NOT NULL
);

CREATE TABLE surveys (
  response_id VARCHAR NOT NULL,
  submitted_at DATE NOT NULL,
  wave VARCHAR,
  method survey_method_t,
  store VARCHAR NOT NULL,
  channel channel_t,
  staff_id VARCHAR,
  overall TINYINT CHECK (overall BETWEEN 1 AND 5),
  nps TINYINT CHECK (nps BETWEEN 0 AND 10),
  environment TINYINT CHECK (environment BETWEEN 1 AND 5),
  product_quality TINYINT CHECK (product_quality BETWEEN 1 AND 5),
  service_quality TINYINT CHECK (service_quality BETWEEN 1 AND 5),
  price TINYINT CHECK (price BETWEEN 1 AND 5),
  comment VARCHAR,
  extra_answers MAP(VARCHAR, DOUBLE),
  batch_id INTEGER NOT NULL
);

CREATE TABLE appraisals (
  staff_id VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  period_type period_type_t NOT NULL,
  period_start DATE NOT NULL,
  staff_name VARCHAR,
  store VARCHAR,
  department VARCHAR,
  position VARCHAR,
  business_ability DECIMAL(5, 2) CHECK (business_ability BETWEEN 0 AND 100),
  communication DECIMAL(5, 2) CHECK (communication BETWEEN 0 AND 100),
  teamwork DECIMAL(5, 2) CHECK (teamwork BETWEEN 0 AND 100),
  service_attitude DECIMAL(5, 2) CHECK (service_attitude BETWEEN 0 AND 100),
  discipline DECIMAL(5, 2) CHECK (discipline BETWEEN 0 AND 100),
  total_score DECIMAL(5, 2) NOT NULL CHECK (total_score BETWEEN 0 AND 100),
  grade grade_t NOT NULL,
  reviewer VARCHAR,
  comment VARCHAR,
  batch_id INTEGER NOT NULL
);

CREATE TABLE traffic (
  date DATE NOT NULL,
  store VARCHAR NOT NULL,
  visitors INTEGER CHECK (visitors >= 0),
  transactions INTEGER NOT NULL CHECK (transactions >= 0),
  batch_id INTEGER NOT NULL
);

CREATE TABLE staff (
  staff_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  store VARCHAR,
  department VARCHAR,
  position VARCHAR,
  hire_date DATE,
  status staff_status_t NOT NULL,
  batch_id INTEGER NOT NULL
);

${['complaints', 'surveys', 'appraisals', 'traffic', 'staff'].map(historyOf).join('\n')}
`
	},
	{
		version: 2,
		name: 'accounts, sessions and the audit log',
		// Times in these tables are UTC instants written by the app (epoch_ms), never DuckDB's local clock.
		// stores NULL = every store. sessions hold only sha256 of the cookie token. audit_log is append-only:
		// each entry carries the hash of the one before (see src/lib/server/core/db/audit.ts).
		sql: `
CREATE SEQUENCE user_id_seq START 1;
CREATE TABLE users (
  user_id INTEGER PRIMARY KEY,
  username VARCHAR NOT NULL UNIQUE,
  display_name VARCHAR NOT NULL,
  password_hash VARCHAR NOT NULL,
  role VARCHAR NOT NULL CHECK (role IN ('viewer', 'manager', 'quality_officer', 'leadership', 'admin')),
  stores VARCHAR[],
  pii BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  password_changed_at TIMESTAMP NOT NULL,
  last_login_at TIMESTAMP
);

CREATE TABLE sessions (
  token_hash VARCHAR PRIMARY KEY,
  user_id INTEGER NOT NULL,
  created_at TIMESTAMP NOT NULL,
  last_seen_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL,
  ip VARCHAR
);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  logged_at TIMESTAMP NOT NULL,
  actor VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  target VARCHAR,
  ip VARCHAR,
  detail VARCHAR NOT NULL,
  prev_hash VARCHAR NOT NULL,
  hash VARCHAR NOT NULL
);

CREATE TABLE app_settings (
  name VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
`
	},
	{
		version: 3,
		name: 'saved column mappings of the upload page',
		// header_key: the file's headers normalised as the engine matches them (src/lib/shared/schema/headers.ts),
		// joined by U+001F, so a file with the same header finds its mapping again. mapping is the
		// engine's --map format (src/lib/shared/schema/mapping.ts). Times are UTC instants written by the app.
		sql: `
CREATE TABLE upload_mappings (
  kind VARCHAR NOT NULL CHECK (kind IN ('complaints', 'surveys', 'appraisals', 'traffic', 'staff')),
  name VARCHAR NOT NULL,
  header_key VARCHAR NOT NULL,
  header JSON NOT NULL,
  mapping JSON NOT NULL,
  created_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (kind, name)
);
`
	},
	{
		version: 4,
		name: 'evaluation settings: weights per position with history, bands, thresholds',
		// eval_weights keeps every rule ever set (position '*' = every position without its own rule); an
		// appraisal is scored with the newest rule effective at its period's first month, so old periods keep
		// their weights. eval_settings holds the rest as one JSON document per name. Times are UTC instants.
		sql: `
CREATE TABLE eval_weights (
  position VARCHAR NOT NULL,
  effective_from VARCHAR NOT NULL CHECK (regexp_full_match(effective_from, '\\d{4}-(0[1-9]|1[0-2])')),
  business_ability DOUBLE NOT NULL CHECK (business_ability BETWEEN 0 AND 100),
  communication DOUBLE NOT NULL CHECK (communication BETWEEN 0 AND 100),
  teamwork DOUBLE NOT NULL CHECK (teamwork BETWEEN 0 AND 100),
  service_attitude DOUBLE NOT NULL CHECK (service_attitude BETWEEN 0 AND 100),
  discipline DOUBLE NOT NULL CHECK (discipline BETWEEN 0 AND 100),
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (position, effective_from)
);

CREATE TABLE eval_settings (
  name VARCHAR PRIMARY KEY,
  value JSON NOT NULL,
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
`
	},
	{
		version: 5,
		name: 'quality control: baselines and alerts',
		// qc_baselines keeps every baseline ever set (the latest per chart, scope and grain applies), so a
		// recomputation after a process change stays on record. qc_alerts: one row per alert_key (chart or
		// target, scope, period, rule), so evaluating again never duplicates an alert. Times are UTC instants.
		sql: `
CREATE TABLE qc_baselines (
  chart VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  grain VARCHAR NOT NULL,
  start_period VARCHAR NOT NULL,
  end_period VARCHAR NOT NULL,
  reason VARCHAR NOT NULL,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL
);
CREATE SEQUENCE qc_alert_id_seq START 1;
CREATE TABLE qc_alerts (
  alert_id INTEGER PRIMARY KEY,
  alert_key VARCHAR NOT NULL UNIQUE,
  kind VARCHAR NOT NULL CHECK (kind IN ('signal', 'target')),
  chart VARCHAR,
  metric VARCHAR NOT NULL,
  scope_kind VARCHAR NOT NULL CHECK (scope_kind IN ('all', 'store', 'department')),
  scope VARCHAR NOT NULL,
  grain VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  rule INTEGER,
  value DOUBLE,
  limit_value DOUBLE,
  message_zh VARCHAR NOT NULL,
  message_en VARCHAR NOT NULL,
  status VARCHAR NOT NULL CHECK (status IN ('new', 'in_progress', 'closed')),
  owner VARCHAR,
  note VARCHAR,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  closed_at TIMESTAMP
);
`
	},
	{
		version: 6,
		name: 'batches record loads in progress and interrupted loads',
		// A load writes its batch as 'running' before it starts, committed on its own, and the batch
		// transaction turns it into 'committed' or 'rejected'. A load stopped by a shutdown or Ctrl+C is
		// rolled back and its batch set 'aborted'; one whose process died ('running' at the next open)
		// is set 'aborted' then (see db/interrupted.ts). Until the file is read its hash and size are unknown.
		sql: `
CREATE TABLE batches_v6 (
  batch_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL CHECK (kind IN ('complaints', 'surveys', 'appraisals', 'traffic', 'staff')),
  file_name VARCHAR NOT NULL,
  sha256 VARCHAR,
  size_bytes BIGINT,
  encoding VARCHAR,
  delimiter VARCHAR,
  source VARCHAR NOT NULL CHECK (source IN ('cli', 'web')),
  created_by VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL CHECK (status IN ('running', 'committed', 'rejected', 'rolled_back', 'aborted')),
  accept_partial BOOLEAN NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_loaded INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_collapsed INTEGER NOT NULL,
  rows_replaced INTEGER NOT NULL,
  mapping JSON,
  warnings JSON,
  rolled_back_at TIMESTAMP,
  rolled_back_by VARCHAR,
  abort_reason VARCHAR CHECK (abort_reason IN ('shutdown', 'interrupted', 'process_ended', 'failed'))
);
INSERT INTO batches_v6 SELECT *, NULL FROM batches;
DROP TABLE batches;
ALTER TABLE batches_v6 RENAME TO batches;
`
	},
	{
		version: 7,
		name: 'batches record the stores they touch',
		// A user limited to some stores sees and rolls back only batches whose stores all lie in that scope
		// (docs/decisions.md, "Store scope of writes"). NULL = not known: shown to users of every store only.
		// Earlier batches get the stores of the rows they hold, held or replaced when every such row has a
		// store and the batch rejected no row (rejected rows keep raw cells of unknown stores); else NULL.
		sql: `
ALTER TABLE batches ADD COLUMN stores VARCHAR[];
UPDATE batches SET stores = t.stores
FROM (
  SELECT batch_id, list(DISTINCT store ORDER BY store) AS stores FROM (
    SELECT batch_id, store FROM complaints UNION ALL SELECT batch_id, store FROM complaints_replaced UNION ALL SELECT replaced_by, store FROM complaints_replaced UNION ALL
    SELECT batch_id, store FROM surveys UNION ALL SELECT batch_id, store FROM surveys_replaced UNION ALL SELECT replaced_by, store FROM surveys_replaced UNION ALL
    SELECT batch_id, store FROM appraisals UNION ALL SELECT batch_id, store FROM appraisals_replaced UNION ALL SELECT replaced_by, store FROM appraisals_replaced UNION ALL
    SELECT batch_id, store FROM traffic UNION ALL SELECT batch_id, store FROM traffic_replaced UNION ALL SELECT replaced_by, store FROM traffic_replaced UNION ALL
    SELECT batch_id, store FROM staff UNION ALL SELECT batch_id, store FROM staff_replaced UNION ALL SELECT replaced_by, store FROM staff_replaced
  ) WHERE batch_id IS NOT NULL AND batch_id <> 0 GROUP BY batch_id HAVING count(*) = count(store)
) t
WHERE batches.batch_id = t.batch_id AND batches.status = 'committed' AND batches.rows_rejected = 0;
`
	},
	{
		version: 8,
		name: 'notification channels, subscriptions and deliveries',
		// Delivery of reports and alerts (features/notifications). A channel's address (a bot's URL carries
		// its token) and secret are stored encrypted with the key file beside the database; only a masked
		// hint is ever shown. A delivery is recorded (idempotency key: subscription + period) before it is
		// sent, so a restart between the two sends it once. Times are epoch milliseconds.
		sql: `
CREATE SEQUENCE notify_channel_seq START 1;
CREATE TABLE notify_channels (
  channel_id INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL UNIQUE,
  kind VARCHAR NOT NULL CHECK (kind IN ('email', 'wecom', 'dingtalk', 'feishu', 'webhook')),
  target_enc VARCHAR NOT NULL,
  target_hint VARCHAR NOT NULL,
  secret_enc VARCHAR,
  recipients VARCHAR[],
  keyword VARCHAR,
  owner VARCHAR NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE SEQUENCE notify_subscription_seq START 1;
CREATE TABLE notify_subscriptions (
  subscription_id INTEGER PRIMARY KEY,
  channel_id INTEGER NOT NULL,
  what VARCHAR NOT NULL CHECK (what IN ('weekly-report', 'monthly-report', 'evaluation-report', 'alerts', 'freshness')),
  stores VARCHAR[],
  schedule VARCHAR NOT NULL,
  owner VARCHAR NOT NULL,
  locale VARCHAR NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  created_ms BIGINT NOT NULL
);
CREATE SEQUENCE notify_delivery_seq START 1;
CREATE TABLE notify_deliveries (
  delivery_id INTEGER PRIMARY KEY,
  idem_key VARCHAR NOT NULL UNIQUE,
  subscription_id INTEGER,
  channel_id INTEGER NOT NULL,
  channel_name VARCHAR NOT NULL,
  what VARCHAR NOT NULL,
  period VARCHAR NOT NULL,
  cursor_ms BIGINT,
  status VARCHAR NOT NULL CHECK (status IN ('pending', 'sent', 'skipped', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_ms BIGINT,
  recorded_ms BIGINT NOT NULL,
  sent_ms BIGINT,
  messages INTEGER,
  error VARCHAR,
  note VARCHAR
);
`
	},
	{
		version: 9,
		name: 'batches record the sheet of a workbook',
		// An Excel workbook is loaded one sheet at a time: the batch names the sheet, and loading another sheet of
		// the same file is not a duplicate. NULL for CSV files.
		sql: `ALTER TABLE batches ADD COLUMN sheet VARCHAR;`
	},
	{
		version: 10,
		name: 'batches record the day their data describes',
		// `npm run ingest -- … --as-of YYYY-MM-DD`: the day the register was exported, which SLA breaches and
		// backlog ages are computed at (metrics/as-of.ts). NULL: the data's own last day.
		sql: `ALTER TABLE batches ADD COLUMN as_of DATE;`
	},
	{
		version: 11,
		name: 'rollups: daily counts per store and dimension, kept current by every load',
		// What each column counts is declared in pipelines/rollups/tables.ts; loads, replacing loads and rollbacks
		// recompute the (day, store) keys they touch (pipelines/rollups/maintain.ts). rollup_state says whether the
		// rollups are current: an empty database starts current (version 1 = ROLLUP_VERSION); one that already
		// holds complaints or surveys starts without, and the server rebuilds them at start.
		sql: `
CREATE TABLE complaint_daily (
  d DATE NOT NULL, store VARCHAR NOT NULL, department VARCHAR, channel channel_t, category category_t, severity severity_t,
  n BIGINT NOT NULL, closed BIGINT NOT NULL, open BIGINT NOT NULL, escalated BIGINT NOT NULL, escalation_known BIGINT NOT NULL,
  out_of_scope BIGINT NOT NULL, scope_known BIGINT NOT NULL, followed_up BIGINT NOT NULL, follow_up_satisfied BIGINT NOT NULL,
  follow_up_rated BIGINT NOT NULL, with_phone BIGINT NOT NULL, repeats BIGINT NOT NULL
);
CREATE TABLE complaint_cuts (
  d DATE NOT NULL, store VARCHAR NOT NULL, cut VARCHAR NOT NULL, member VARCHAR,
  n BIGINT NOT NULL, closed BIGINT NOT NULL, open BIGINT NOT NULL, escalated BIGINT NOT NULL, escalation_known BIGINT NOT NULL,
  out_of_scope BIGINT NOT NULL, scope_known BIGINT NOT NULL, followed_up BIGINT NOT NULL, follow_up_satisfied BIGINT NOT NULL,
  follow_up_rated BIGINT NOT NULL, with_phone BIGINT NOT NULL, repeats BIGINT NOT NULL
);
CREATE TABLE survey_daily (
  d DATE NOT NULL, store VARCHAR NOT NULL, channel channel_t, method survey_method_t,
  n BIGINT NOT NULL, overall_n BIGINT NOT NULL, overall_sum BIGINT, overall_top BIGINT NOT NULL, overall_low BIGINT NOT NULL,
  nps_n BIGINT NOT NULL, promoters BIGINT NOT NULL, detractors BIGINT NOT NULL,
  environment_n BIGINT NOT NULL, environment_sum BIGINT, environment_top BIGINT NOT NULL,
  product_quality_n BIGINT NOT NULL, product_quality_sum BIGINT, product_quality_top BIGINT NOT NULL,
  service_quality_n BIGINT NOT NULL, service_quality_sum BIGINT, service_quality_top BIGINT NOT NULL,
  price_n BIGINT NOT NULL, price_sum BIGINT, price_top BIGINT NOT NULL
);
CREATE TABLE survey_answer_daily (
  d DATE NOT NULL, store VARCHAR NOT NULL, channel channel_t, method survey_method_t, question VARCHAR,
  answer_n BIGINT NOT NULL, answer_sum DOUBLE
);
CREATE TABLE rollup_state (version INTEGER NOT NULL, built_at TIMESTAMP NOT NULL);
INSERT INTO rollup_state SELECT 1, now()::TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM complaints) AND NOT EXISTS (SELECT 1 FROM surveys);
`
	},
	{
		version: 12,
		name: 'contact logs: calls and chats with their queue times',
		// The sixth kind. batches.kind loses its CHECK: the kinds are the ingestion schemas' list (the engine
		// refuses any other), and a CHECK would make every new kind rebuild this table again.
		sql: `
CREATE TYPE contact_direction_t AS ENUM ('呼入', '呼出');
CREATE TABLE contacts (
  contact_id VARCHAR NOT NULL,
  channel channel_t NOT NULL,
  store VARCHAR NOT NULL,
  agent_id VARCHAR,
  arrived_at TIMESTAMP NOT NULL,
  answered_at TIMESTAMP,
  ended_at TIMESTAMP,
  talk_seconds INTEGER CHECK (talk_seconds >= 0),
  hold_seconds INTEGER CHECK (hold_seconds >= 0),
  wrap_seconds INTEGER CHECK (wrap_seconds >= 0),
  customer_phone VARCHAR,
  -- keyed hash of the phone digits, the same key as complaints: repeat contacts and complaint links without reading phones
  customer_phone_hash UBIGINT,
  resolved BOOLEAN,
  topic VARCHAR,
  callback_at TIMESTAMP,
  complaint_id VARCHAR,
  direction contact_direction_t NOT NULL,
  batch_id INTEGER NOT NULL
);
${historyOf('contacts')}
CREATE TABLE batches_v12 (
  batch_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL,
  file_name VARCHAR NOT NULL,
  sha256 VARCHAR,
  size_bytes BIGINT,
  encoding VARCHAR,
  delimiter VARCHAR,
  source VARCHAR NOT NULL CHECK (source IN ('cli', 'web')),
  created_by VARCHAR NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL CHECK (status IN ('running', 'committed', 'rejected', 'rolled_back', 'aborted')),
  accept_partial BOOLEAN NOT NULL,
  rows_read INTEGER NOT NULL,
  rows_loaded INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_collapsed INTEGER NOT NULL,
  rows_replaced INTEGER NOT NULL,
  mapping JSON,
  warnings JSON,
  rolled_back_at TIMESTAMP,
  rolled_back_by VARCHAR,
  abort_reason VARCHAR CHECK (abort_reason IN ('shutdown', 'interrupted', 'process_ended', 'failed')),
  stores VARCHAR[],
  sheet VARCHAR,
  as_of DATE
);
INSERT INTO batches_v12 SELECT * FROM batches;
DROP TABLE batches;
ALTER TABLE batches_v12 RENAME TO batches;
`
	},
	{
		version: 13,
		name: 'inspections (质检记录) and their checklists',
		// inspections: one row per inspected contact; item_points holds the checklist items' points by item name
		// (the file's item columns, kept like a survey's extra questions). The score is computed when read, with the
		// checklist in force on the inspection's date: qa_checklists keeps every checklist ever set (like
		// eval_weights), the handbooks' default from the start. The kinds of batches and saved mappings are checked
		// by the application (src/lib/shared/schema, isKind) rather than by a CHECK naming them, so a new kind
		// needs no rebuild of these tables: DuckDB cannot drop a CHECK constraint, hence the copy (batches lost theirs in 12).
		sql: `
CREATE TABLE inspections (
  inspection_id VARCHAR NOT NULL,
  inspected_at DATE NOT NULL,
  inspector VARCHAR NOT NULL,
  staff_id VARCHAR NOT NULL,
  store VARCHAR NOT NULL,
  channel channel_t,
  contact_id VARCHAR,
  fatal BOOLEAN NOT NULL,
  fatal_type VARCHAR,
  total DECIMAL(7, 2) CHECK (total >= 0),
  note VARCHAR,
  item_points MAP(VARCHAR, DOUBLE),
  batch_id INTEGER NOT NULL
);
${historyOf('inspections')}

CREATE TABLE qa_checklists (
  effective_from DATE PRIMARY KEY,
  items STRUCT(item VARCHAR, max_points DOUBLE)[] NOT NULL,
  pass_line DOUBLE NOT NULL,
  fatal_zero BOOLEAN NOT NULL,
  updated_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL
);
INSERT INTO qa_checklists VALUES (DATE '1970-01-01',
  [{'item': '服务用语', 'max_points': 15}, {'item': '业务准确', 'max_points': 25}, {'item': '流程完整', 'max_points': 20},
   {'item': '服务态度', 'max_points': 15}, {'item': '问题解决', 'max_points': 15}, {'item': '信息安全', 'max_points': 10}],
  80, true, 'system', TIMESTAMP '1970-01-01 00:00:00');

CREATE TABLE upload_mappings_v13 (
  kind VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  header_key VARCHAR NOT NULL,
  header JSON NOT NULL,
  mapping JSON NOT NULL,
  created_by VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (kind, name)
);
INSERT INTO upload_mappings_v13 SELECT * FROM upload_mappings;
DROP TABLE upload_mappings;
ALTER TABLE upload_mappings_v13 RENAME TO upload_mappings;
`
	},
	{
		version: 14,
		name: 'evaluation weights: optional QA score and FCR components',
		// Two weights beside the appraisal dimensions in the same history of rules: the QA score (质检得分) and FCR
		// (首次解决率 by repeat contact). 0 = off, which every existing rule becomes, so every past total stays as it was.
		// DuckDB adds no CHECK with a column: the application keeps them 0–100 (weightsValid).
		sql: `
ALTER TABLE eval_weights ADD COLUMN qa_score DOUBLE DEFAULT 0;
ALTER TABLE eval_weights ADD COLUMN fcr DOUBLE DEFAULT 0;
`
	},
	{
		version: 16,
		name: 'rollups: SLA compliance counts of complaints, and the SLA limits they were counted with',
		// Per rollup row, for first response and resolution: the complaints done (time after receipt), done within
		// their limit, and still without the time (pipelines/rollups/tables.ts). rollup_state.sla is the fingerprint
		// of the limits those counts were made with (NULL: the defaults); the planner reads them only while they
		// are the limits in force. ROLLUP_VERSION 2: a database with rollups rebuilds them at the next start; an
		// empty one (no rows to count) stays current.
		sql: `
${['complaint_daily', 'complaint_cuts'].flatMap((t) => SLA_COUNT_COLUMNS.map((c) => `ALTER TABLE ${t} ADD COLUMN ${c} BIGINT;`)).join('\n')}
ALTER TABLE rollup_state ADD COLUMN sla VARCHAR;
UPDATE rollup_state SET version = 2 WHERE version = 1 AND NOT EXISTS (SELECT 1 FROM complaints) AND NOT EXISTS (SELECT 1 FROM surveys);
`
	},
	{
		version: 17,
		name: 'contact rollups: daily counts per store and per channel, agent, topic or hour, with the limits they count by',
		// What each column counts is declared in pipelines/rollups/tables.ts (contact_cuts), kept current by every
		// contact load as the other rollups. rollup_state.contact_limits: the contact limits (JSON) the contact rollups
		// were counted with, NULL = the defaults; saving other limits rebuilds them. The rollups' version moves to 3: a
		// database holding contacts rebuilds at start, one without is current as it stands (its contact_cuts is empty).
		sql: `
CREATE TABLE contact_cuts (
  d DATE NOT NULL, store VARCHAR NOT NULL, cut VARCHAR NOT NULL, member VARCHAR,
  offered BIGINT NOT NULL, answered BIGINT NOT NULL, abandoned BIGINT NOT NULL, within_sl BIGINT NOT NULL, wait_sum DOUBLE,
  online_answered BIGINT NOT NULL, online_wait_sum DOUBLE, handled BIGINT NOT NULL, handle_sum DOUBLE,
  fcr_judged BIGINT NOT NULL, fcr_kept BIGINT NOT NULL, marked BIGINT NOT NULL, marked_resolved BIGINT NOT NULL, called_back BIGINT NOT NULL
);
ALTER TABLE rollup_state ADD COLUMN contact_limits VARCHAR;
UPDATE rollup_state SET version = 3 WHERE version = 2 AND NOT EXISTS (SELECT 1 FROM contacts);
`
	},
	{
		version: 18,
		name: 'rollups: the kinds whose rollups are to be rebuilt after a big write',
		// A write touching ROLLUP_AFTER_ROWS rows or more of a kind names the kind here, in its own transaction,
		// instead of bringing its rollups up to date there: the compiler reads raw rows for a kind named here, and
		// the server rebuilds it after the commit (pipelines/rollups/maintain.ts). NULL: none.
		sql: `ALTER TABLE rollup_state ADD COLUMN stale VARCHAR[];`
	},
	{
		version: 19,
		name: 'rollups: response and resolution times of complaints, counted per month, store and exact time',
		// Per month × store × clock (response, resolution): how many complaints took each exact number of
		// microseconds from receipt (us NULL: no time yet, or one before receipt). The percentiles of whole months
		// are computed from these counts exactly (pipelines/rollups/tables.ts, complaint_times). The rollups'
		// version moves to 4: a database holding complaints rebuilds at start, one without is current as it stands.
		sql: `
CREATE TABLE complaint_times (d DATE NOT NULL, store VARCHAR NOT NULL, clock VARCHAR NOT NULL, us BIGINT, n BIGINT NOT NULL);
UPDATE rollup_state SET version = 4 WHERE version = 3 AND NOT EXISTS (SELECT 1 FROM complaints);
`
	},
	{
		version: 20,
		name: "rollups: each complaint's time since the same phone's previous complaint, kept by the rollups' upkeep",
		// repeat_gap_us: microseconds since the previous complaint of the same customer phone (any store, any
		// batch), NULL without a phone or a previous complaint. Derived, not loaded: every write recomputes it for
		// the phones it touched, a rollup rebuild for all (pipelines/rollups/maintain.ts), so the upkeep of a batch
		// reads it instead of windowing every phone of the days it touched. The metrics' raw path does not read it.
		// Rollup version 5: a database holding complaints rebuilds (and so fills it) at start.
		sql: `
ALTER TABLE complaints ADD COLUMN repeat_gap_us BIGINT;
ALTER TABLE complaints_replaced ADD COLUMN repeat_gap_us BIGINT;
UPDATE rollup_state SET version = 5 WHERE version = 4 AND NOT EXISTS (SELECT 1 FROM complaints);
`
	},
	{
		version: 21,
		name: "rollups: contacts' wait and handle times, counted per month, store, cut and exact second",
		// Per month × store × clock (wait, handle) × cut ('' = the store, or channel, staff, topic, hour, weekday with
		// its member): how many contacts took each exact number of seconds (s NULL: the contacts without that time).
		// The percentiles of whole months are computed from these counts exactly (pipelines/rollups/tables.ts,
		// contact_times). Rollup version 6: a database holding contacts rebuilds at start, one without is current as
		// it stands.
		sql: `
CREATE TABLE contact_times (d DATE NOT NULL, store VARCHAR NOT NULL, clock VARCHAR NOT NULL, cut VARCHAR NOT NULL, member VARCHAR, s DOUBLE, n BIGINT NOT NULL);
UPDATE rollup_state SET version = 6 WHERE version = 5 AND NOT EXISTS (SELECT 1 FROM contacts);
`
	},
	{
		version: 22,
		name: 'rollups: what the phone of each contact did next, kept by the upkeep; contact counts kept by the contacts that came and left',
		// stored_next_inbound_at, stored_next_reach_at: the arrival of the same phone's next inbound contact within the longest FCR
		// window, and of its next contact that reached the customer within the callback window (NULL: none), derived,
		// not loaded (pipelines/rollups/contacts.ts, storedNext): every write recomputes them for the phones it touched,
		// a rollup rebuild for all, so contact_cuts changes by the contacts that came, left or changed instead of
		// recomputing the touched days. contact_cuts.n: the contacts of a key (a key goes when it falls to 0). The
		// metrics' raw path does not read them. Rollup version 7: a database holding contacts rebuilds at start.
		sql: `
ALTER TABLE contacts ADD COLUMN stored_next_inbound_at TIMESTAMP;
ALTER TABLE contacts ADD COLUMN stored_next_reach_at TIMESTAMP;
ALTER TABLE contacts_replaced ADD COLUMN stored_next_inbound_at TIMESTAMP;
ALTER TABLE contacts_replaced ADD COLUMN stored_next_reach_at TIMESTAMP;
ALTER TABLE contact_cuts ADD COLUMN n BIGINT;
UPDATE rollup_state SET version = 7 WHERE version = 6 AND NOT EXISTS (SELECT 1 FROM contacts);
`
	},
	{
		version: 23,
		name: "rollups: complaints' times over every store per month, cut and exact time, and per week; contacts' times per week; survey counts per day, store and staff member",
		// Per month × clock × cut ('' = every complaint, or department, channel, category, severity with its member):
		// how many complaints of every store took each exact number of microseconds from receipt (us NULL: no time
		// yet, or one before receipt). Requests over every store read their percentiles from it
		// (pipelines/rollups/tables.ts, complaint_time_cuts). Rollup version 8: a database holding complaints rebuilds
		// at start, one without is current as it stands. complaint_time_weeks, contact_time_weeks: the complaints' and
		// the contacts' times over every store per week (its Monday) × clock × exact value, for percentiles by week.
		// survey_staff_daily: survey_daily's counts per day, store and the staff member rated (the survey metrics by
		// staff). A database holding complaints, responses or contacts rebuilds at start.
		sql: `
CREATE TABLE complaint_time_cuts (d DATE NOT NULL, clock VARCHAR NOT NULL, cut VARCHAR NOT NULL, member VARCHAR, us BIGINT, n BIGINT NOT NULL);
CREATE TABLE complaint_time_weeks (d DATE NOT NULL, clock VARCHAR NOT NULL, us BIGINT, n BIGINT NOT NULL);
CREATE TABLE contact_time_weeks (d DATE NOT NULL, clock VARCHAR NOT NULL, s DOUBLE, n BIGINT NOT NULL);
CREATE TABLE survey_staff_daily (
  d DATE NOT NULL, store VARCHAR NOT NULL, staff VARCHAR,
  n BIGINT NOT NULL, overall_n BIGINT NOT NULL, overall_sum BIGINT, overall_top BIGINT NOT NULL, overall_low BIGINT NOT NULL,
  nps_n BIGINT NOT NULL, promoters BIGINT NOT NULL, detractors BIGINT NOT NULL,
  environment_n BIGINT NOT NULL, environment_sum BIGINT, environment_top BIGINT NOT NULL,
  product_quality_n BIGINT NOT NULL, product_quality_sum BIGINT, product_quality_top BIGINT NOT NULL,
  service_quality_n BIGINT NOT NULL, service_quality_sum BIGINT, service_quality_top BIGINT NOT NULL,
  price_n BIGINT NOT NULL, price_sum BIGINT, price_top BIGINT NOT NULL
);
UPDATE rollup_state SET version = 8 WHERE version = 7 AND NOT EXISTS (SELECT 1 FROM complaints) AND NOT EXISTS (SELECT 1 FROM surveys)
  AND NOT EXISTS (SELECT 1 FROM contacts);
`
	},
	{
		version: 24,
		name: "rollups: contacts' times over every store per month, weekday × hour and exact value",
		// Per month × clock (wait, handle) × slot (the ISO weekday and hour of arrival, '3-09') × exact seconds: how many
		// contacts of every store took each (s NULL: none of that time). Requests over every store read their
		// percentiles by weekday × hour from it (pipelines/rollups/tables.ts, contact_time_slots). Rollup version 9: a
		// database holding contacts rebuilds at start, one without is current as it stands.
		sql: `
CREATE TABLE contact_time_slots (d DATE NOT NULL, clock VARCHAR NOT NULL, slot VARCHAR NOT NULL, s DOUBLE, n BIGINT NOT NULL);
UPDATE rollup_state SET version = 9 WHERE version = 8 AND NOT EXISTS (SELECT 1 FROM contacts);
`
	},
	{
		version: 25,
		name: 'rollups: the periods where writes added rows to a rollup that grows by rows, to be compacted',
		// A rollup that grows by rows (pipelines/rollups/tables.ts, `growsByRows`) keeps what a write adds to a key in a
		// row of its own; the write records the table and period (day, month or week) here, and a compaction after the
		// commit folds each key of those periods into one row (pipelines/rollups/maintain.ts, `compactSplit`).
		sql: `
CREATE TABLE rollup_split (tbl VARCHAR NOT NULL, d DATE NOT NULL);
`
	},
	{
		version: 26,
		name: 'rollups: how many source rows each write touched in a period it split',
		// A period is compacted once the writes since its last compaction may have added a tenth of its rows (their source
		// rows times the rows one adds to the table): a batch spread over every month added a few rows to each, and
		// rewriting them all took seconds (pipelines/rollups/maintain.ts, `compactSplit`). Periods recorded before have no
		// count, and are compacted as before.
		sql: `
ALTER TABLE rollup_split ADD COLUMN touched BIGINT;
`
	}
];
