/**
 * Interswitch's environments: where a credential gets its access tokens (its Environment's
 * Passport, or the Passport Token URL entered under Custom), and whether its Context URL and that
 * Passport belong to the same environment. A token from one environment is refused by the other,
 * so a mix fails every request; it is caught before anything is sent. A leaf module: the
 * credential imports it.
 */

/** The sandbox Passport, from Interswitch's documents. */
export const SANDBOX_PASSPORT_TOKEN_URL = 'https://sandbox.interswitchng.com/passport/oauth/token';

/** The production Passport, as Interswitch's published clients and SDKs use it. */
export const PRODUCTION_PASSPORT_TOKEN_URL =
	'https://passport.interswitchng.com/passport/oauth/token';

export type EnvironmentChoice = 'sandbox' | 'production' | 'custom';

type KnownEnvironment = 'sandbox' | 'QA' | 'production';

/**
 * Hosts whose environment is known. Only these are compared: an address elsewhere (a proxy, the
 * local emulator, a host Interswitch gave you) is never called a mix.
 */
const KNOWN_HOSTS: ReadonlyMap<string, KnownEnvironment> = new Map([
	['sandbox.interswitchng.com', 'sandbox'],
	['qa.interswitchng.com', 'QA'],
	['saturn.interswitchng.com', 'production'],
	['passport.interswitchng.com', 'production'],
]);

interface EnvironmentFields {
	environment?: unknown;
	passportTokenUrl?: unknown;
	contextUrl?: unknown;
}

/**
 * The Environment a credential was saved with. A credential saved before the choice existed has
 * none: n8n gives it the default, Custom, so it keeps the Passport Token URL it was saved with.
 */
export function environmentOf(credentials: EnvironmentFields): EnvironmentChoice {
	return credentials.environment === 'sandbox' || credentials.environment === 'production'
		? credentials.environment
		: 'custom';
}

/** Where the credential gets its access tokens, as typed (checked by the caller). */
export function passportTokenUrlOf(credentials: EnvironmentFields): unknown {
	const environment = environmentOf(credentials);
	if (environment === 'sandbox') return SANDBOX_PASSPORT_TOKEN_URL;
	if (environment === 'production') return PRODUCTION_PASSPORT_TOKEN_URL;
	return credentials.passportTokenUrl;
}

/** A mix of environments, in words, with what to change; `undefined` when there is none known. */
export interface EnvironmentMix {
	problem: string;
	fix: string;
}

/**
 * Whether the Context URL and the Passport the credential gets its tokens from belong to two
 * different known environments.
 */
export function environmentMix(credentials: EnvironmentFields): EnvironmentMix | undefined {
	const context = knownHost(credentials.contextUrl);
	const passport = knownHost(passportTokenUrlOf(credentials));
	if (
		context === undefined ||
		passport === undefined ||
		context.environment === passport.environment
	)
		return undefined;
	const environment = environmentOf(credentials);
	const problem = `The Context URL is Interswitch ${context.environment} (${context.host}), but the access tokens would come from the ${passport.environment} Passport (${passport.host}): Interswitch refuses a token from another environment`;
	const choice =
		context.environment === 'QA'
			? 'choose Environment: Custom and enter the QA Passport Token URL Interswitch gave you'
			: `choose Environment: ${context.environment === 'sandbox' ? 'Sandbox' : 'Production'}`;
	const fix =
		environment === 'custom'
			? `In the Interswitch Paycode API credential, correct the Passport Token URL or the Context URL, or ${choice}.`
			: `In the Interswitch Paycode API credential, ${choice}, or correct the Context URL.`;
	return { problem, fix };
}

function knownHost(raw: unknown): { host: string; environment: KnownEnvironment } | undefined {
	if (typeof raw !== 'string') return undefined;
	let host: string;
	try {
		host = new URL(raw.trim()).hostname.toLowerCase().replace(/\.$/, '');
	} catch {
		return undefined;
	}
	const environment = KNOWN_HOSTS.get(host);
	return environment === undefined ? undefined : { host, environment };
}
