import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter(),
		alias: { $pipelines: 'pipelines' },
		// Absolute asset URLs (/_app/…): the 403 page is rendered in place of the refused page at that
		// page's URL (hooks.server.ts), where relative ones (./_app/…) would point into a wrong folder.
		paths: { relative: false },
		// Content-Security-Policy of every page; SvelteKit adds nonces (SSR) or hashes for its own scripts.
		// style-src allows inline styles because ECharts writes style attributes on the elements it draws
		// (tooltips, the canvas wrapper); scripts stay strictly 'self' + nonce. img-src allows data: for
		// the favicon in app.html and ECharts' "save as image". frame-ancestors 'none' forbids framing.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
