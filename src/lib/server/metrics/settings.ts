import type { z } from 'zod';
import { queryRows, type Database, type DuckDBConnection } from '$lib/server/core/db';
import { audit } from '$lib/server/core/db/audit';
import type { Actor } from '$lib/server/core/auth/users';

/**
 * A setting that metrics are computed against (the SLA limits, the contact-centre limits): JSON in
 * `app_settings` under one name, validated by its schema, the defaults until someone saves others. This
 * process remembers the value in force per database (it is the only writer), so every query binds the
 * current one; a change is audited with the old and new values.
 */
export type SaveSettingResult = { ok: true; changed: boolean } | { ok: false; message: string };

export function jsonSetting<T>(name: string, schema: z.ZodType, defaults: T) {
	const current = new WeakMap<Database, T>();

	async function read(conn: DuckDBConnection): Promise<T> {
		const [row] = await queryRows<{ value: string }>(conn, 'SELECT value FROM app_settings WHERE name = $1', [name]);
		if (!row) return defaults;
		const parsed = schema.safeParse(JSON.parse(row.value));
		return parsed.success ? (parsed.data as T) : defaults;
	}

	/** The value in force, read once per database and kept current by `save`. */
	async function inForce(db: Database): Promise<T> {
		let value = current.get(db);
		if (value === undefined) {
			value = await db.withConnection(read);
			current.set(db, value);
		}
		return value;
	}

	/** Saves a new value (validated), audited; saving the value in force changes nothing. */
	async function save(db: Database, value: unknown, actor: Actor, now: number = Date.now()): Promise<SaveSettingResult> {
		const parsed = schema.safeParse(value);
		if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
		return db.withConnection(async (conn) => {
			const before = await read(conn);
			const next = parsed.data as T;
			if (JSON.stringify(before) === JSON.stringify(next)) return { ok: true, changed: false };
			await conn.run(
				`INSERT INTO app_settings (name, value, updated_at) VALUES ($1, $2, epoch_ms($3::BIGINT))
				 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
				[name, JSON.stringify(next), now] as never
			);
			await audit(
				conn,
				{
					actor: actor.name,
					action: 'settings_changed',
					target: name,
					ip: actor.ip ?? null,
					detail: { [name]: { from: before, to: next } }
				},
				now
			);
			current.set(db, next);
			return { ok: true, changed: true };
		});
	}

	return { read, inForce, save };
}
