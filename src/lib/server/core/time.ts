import { config } from '$lib/server/core/config';
import { formatTimestamp } from '$lib/shared/time';

/** An instant as the server writes it into pages, exports and reports: the one formatter, in TZ_DISPLAY. */
export const displayTime = (ms: number | bigint | null, seconds = false): string => formatTimestamp(ms, { tz: config().timeZone, seconds });

/**
 * SQL: epoch ms of a batch time. Batch times are TIMESTAMP in the database's local time (now()::TIMESTAMP,
 * see pipelines/store.ts), so they are cast back to an instant before they are formatted.
 */
export const instantMs = (column: string) => `epoch_ms((${column})::TIMESTAMPTZ)`;
