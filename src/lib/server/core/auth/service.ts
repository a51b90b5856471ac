import { config } from '$lib/server/core/config';
import { LoginService } from './login';

/** The server's one sign-in service: its failure counts are per process, deliberately (see ratelimit.ts). */
export const logins = new LoginService(config().auth);
