import { z } from 'zod';
import { queryRows, type DuckDBConnection } from '$lib/server/core/db';
import { parseMapping, type Mapping } from '$lib/shared/schema/mapping';
import { isKind, type KindId } from '$lib/shared/schema';
import { headerKey } from '$lib/features/upload/header-key';
import { formatTime } from '$lib/server/core/auth/commands';

/**
 * Column mappings saved by name on the upload page (table `upload_mappings`, migration 3), in the
 * engine's own --map format. A file whose header matches a saved one is offered that mapping again.
 */
export interface SavedMapping {
	kind: KindId;
	name: string;
	header_key: string;
	header: string[];
	mapping: Mapping;
	created_by: string;
	updated_at: string;
}

export const MAPPING_NAME_MAX = 60;

export const saveMappingFields = z.object({
	kind: z.string().refine(isKind),
	name: z.string().trim().min(1).max(MAPPING_NAME_MAX),
	header: z.string().transform((s, ctx) => {
		try {
			const h = JSON.parse(s) as unknown;
			if (Array.isArray(h) && h.length > 0 && h.length <= 500 && h.every((x) => typeof x === 'string')) return h as string[];
		} catch {
			/* reported below */
		}
		ctx.addIssue({ code: 'custom', message: 'header' });
		return z.NEVER;
	}),
	mapping: z.string().transform((s, ctx) => {
		try {
			return parseMapping(JSON.parse(s));
		} catch {
			ctx.addIssue({ code: 'custom', message: 'mapping' });
			return z.NEVER;
		}
	})
});

export async function listMappings(conn: DuckDBConnection): Promise<SavedMapping[]> {
	const rows = await queryRows<{
		kind: KindId;
		name: string;
		header_key: string;
		header: string;
		mapping: string;
		created_by: string;
		updated_ms: number;
	}>(
		conn,
		`SELECT kind, name, header_key, header::VARCHAR AS header, mapping::VARCHAR AS mapping, created_by, epoch_ms(updated_at) AS updated_ms
		 FROM upload_mappings ORDER BY updated_at DESC, name`
	);
	return rows.map(({ updated_ms, ...r }) => ({
		...r,
		header: JSON.parse(r.header) as string[],
		mapping: parseMapping(JSON.parse(r.mapping)),
		updated_at: formatTime(Number(updated_ms))
	}));
}

/** Saves (or replaces) the mapping of that name for that kind. */
export async function saveMapping(
	conn: DuckDBConnection,
	m: { kind: KindId; name: string; header: string[]; mapping: Mapping; by: string }
): Promise<void> {
	await conn.run(
		`INSERT OR REPLACE INTO upload_mappings (kind, name, header_key, header, mapping, created_by, updated_at)
		 VALUES ($1, $2, $3, $4::JSON, $5::JSON, $6, epoch_ms($7::BIGINT))`,
		[m.kind, m.name, headerKey(m.header), JSON.stringify(m.header), JSON.stringify(m.mapping), m.by, Date.now()] as never
	);
}

export async function deleteMapping(conn: DuckDBConnection, kind: KindId, name: string): Promise<void> {
	await conn.run('DELETE FROM upload_mappings WHERE kind = $1 AND name = $2', [kind, name]);
}
