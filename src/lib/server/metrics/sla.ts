import { z } from 'zod';
import { DEFAULT_SLA, type SlaLimits } from './catalog';
import { jsonSetting, type SaveSettingResult } from './settings';
import type { Database } from '$lib/server/core/db';
import type { Actor } from '$lib/server/core/auth/users';
import { log } from '$lib/server/core/log';
import { ensureRollups } from '$pipelines/rollups/maintain';
import { category, severity } from '$lib/shared/schema/vocabularies';

/**
 * The SLA limits in force: the catalog's defaults until a quality officer sets others (targets page),
 * kept as JSON in `app_settings` under `sla_limits`, audited. This process remembers them (it is the
 * only writer); every metric query binds them, so a change shows in the very next numbers.
 */
const SETTING = 'sla_limits';
const MAX_HOURS = 24 * 365;

const hours = z.number().positive().max(MAX_HOURS);
const limitSchema = z
	.object({
		default: hours,
		bySeverity: z.partialRecord(z.enum(severity.values as [string, ...string[]]), hours),
		byCategory: z.partialRecord(z.enum(category.values as [string, ...string[]]), hours)
	})
	.strict();
export const slaSchema = z.object({ response: limitSchema, resolution: limitSchema }).strict();

const setting = jsonSetting<SlaLimits>(SETTING, slaSchema, DEFAULT_SLA);
export const readSla = setting.read;
/** The limits in force, read once per database and kept current by `saveSla`. */
export const slaLimits = setting.inForce;
export type SaveSlaResult = SaveSettingResult;

/** The complaint rollups' rebuild after the last change of limits, per database (resolved when done). */
const rebuilds = new WeakMap<Database, Promise<void>>();

/**
 * Saves new limits (validated; hours 0 < h ≤ a year), audited with the old and new values. The complaint
 * rollups count SLA compliance with the limits they were built with, so a change rebuilds them in the
 * background, under the write lock; until then SLA compliance reads raw rows (the planner sees that the
 * rollups' limits are not the ones in force), so the very next numbers use the new limits either way.
 */
export async function saveSla(db: Database, value: unknown, actor: Actor, now?: number): Promise<SaveSlaResult> {
	const result = await setting.save(db, value, actor, now);
	if (result.ok && result.changed) {
		const rebuilt = ensureRollups(db).then(
			(r) => void (r && log('rollups').info({ ...r.tables, ms: r.ms }, 'complaint rollups rebuilt for new SLA limits')),
			(e: unknown) =>
				log('rollups').error({ err: e }, 'could not rebuild the complaint rollups for new SLA limits; SLA compliance reads raw rows')
		);
		rebuilds.set(db, rebuilt);
	}
	return result;
}

/** Resolves once the rollups counted with the last saved limits are built (at once when none is pending). */
export const slaRollupsSettled = (db: Database): Promise<void> => rebuilds.get(db) ?? Promise.resolve();
