import { extractLocaleFromRequest } from '$lib/paraglide/runtime.js';
import type { LayoutServerLoad } from './$types';

/**
 * Only the UI locale goes to the browser. It is decided from the request exactly as Paraglide's
 * middleware decides it (cookie, then Accept-Language, then zh-CN), so server and browser agree.
 */
export const load: LayoutServerLoad = ({ request }) => ({
	locale: extractLocaleFromRequest(request)
});
