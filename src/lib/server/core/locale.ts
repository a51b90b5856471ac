import { AsyncLocalStorage } from 'node:async_hooks';
import { getServerAsyncLocalStorage, overwriteServerAsyncLocalStorage } from '$lib/paraglide/runtime.js';
import type { UiLocale } from '$lib/shared/views';

/**
 * Runs `fn` with Paraglide's locale set to `locale`, in the same async-local storage its request
 * middleware uses: work done for someone other than the current request (a scheduled delivery in its
 * owner's language, a test) calls messages and formatters without a locale, exactly as request code does.
 */
export function withLocale<T>(locale: UiLocale, fn: () => T): T {
	let storage = getServerAsyncLocalStorage();
	if (!storage) {
		storage = new AsyncLocalStorage();
		overwriteServerAsyncLocalStorage(storage);
	}
	return storage.run({ locale, origin: 'http://127.0.0.1', messageCalls: new Set<string>() }, fn);
}
