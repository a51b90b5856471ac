// See https://svelte.dev/docs/kit/types#app.d.ts
import type { AuthUser } from '$lib/shared/auth/roles';

declare global {
	namespace App {
		// interface Error {}
		interface Locals {
			/** the signed-in user, resolved from the session cookie by hooks.server.ts; null when signed out */
			user: AuthUser | null;
		}
		// interface PageData {}
		// interface PageState {}
		// interface Platform {}
	}
}

export {};
