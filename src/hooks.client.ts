import { overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { isUiLocale } from '$lib/shared/views';

// The browser speaks the language the server rendered the page in (set once per request by Paraglide's
// middleware and written into <html lang>), so a message called without a locale agrees with the server's
// render whatever the browser's own preferences say; the language switch sets the cookie and reloads.
overwriteGetLocale(() => {
	const lang = document.documentElement.lang;
	return isUiLocale(lang) ? lang : 'zh-CN';
});
