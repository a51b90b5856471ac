import { normalizeHeader } from '$lib/shared/schema/headers';

/** A file's header as the engine matches it: the key a saved mapping is found again by. */
export const headerKey = (header: readonly string[]): string => header.map(normalizeHeader).join('\u001f');
