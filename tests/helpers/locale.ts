import { paraglideMiddleware } from '$lib/paraglide/server';
import type { UiLocale } from '$lib/shared/views';

/**
 * Runs `fn` as the server runs a request's code: inside Paraglide's middleware, with the locale it
 * decides for a request carrying that language (Accept-Language, as a browser sends it), so messages
 * called without a locale answer in it.
 */
export async function inRequestLocale<T>(locale: UiLocale, fn: () => T | Promise<T>): Promise<T> {
	let out: T | undefined;
	await paraglideMiddleware(new Request('http://127.0.0.1/', { headers: { 'accept-language': locale } }), async () => {
		out = await fn();
		return new Response(null);
	});
	return out as T;
}
