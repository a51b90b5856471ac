import { z } from 'zod';
import { DEFAULT_SLA, type SlaLimits } from './catalog';
import { jsonSetting, type SaveSettingResult } from './settings';
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
/** Saves new limits (validated; hours 0 < h ≤ a year), audited with the old and new values. */
export const saveSla = setting.save;
