/**
 * Secrets never reach a message, a description or anything else an error carries into n8n's run
 * data, logs or the editor. A vendor may echo what it received — a bearer token in a 401's
 * `error_description`, Passport the whole `Authorization: Basic …` header — so every error a node
 * produces is scrubbed, at the moment it leaves the node, of every secret the run has known:
 * the credential's secret fields as they were at the start and as they are now (a token may have
 * been renewed meanwhile), every access token the token endpoint issued during the run, and the
 * forms they travel in (Basic base64 of `clientId:clientSecret`, percent-encoded, JSON-escaped).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * The credential fields that hold secrets, in every credential type of this package. A unit test
 * checks that each field a credential type marks as a password is listed here.
 */
export const SECRET_FIELDS = ['token', 'clientSecret', 'accessToken'] as const;

/** Shorter values are not secrets worth scrubbing (and would scrub ordinary words). */
const MIN_SECRET_LENGTH = 4;

export const REDACTED = '[redacted]';

/**
 * The forms a secret may travel in, besides itself. A secret pasted with a trailing newline, space
 * or tab is sent trimmed (the credentials trim it, and an HTTP header would lose it anyway), so
 * the trimmed value and its forms are secrets too.
 */
function forms(secret: string): string[] {
	const out: string[] = [];
	for (const value of new Set([secret, secret.trim()])) {
		out.push(value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1));
	}
	return out.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

/** Every secret a run has known. */
export class RunSecrets {
	private readonly values = new Set<string>();

	private sorted: string[] | undefined;

	add(...secrets: Array<string | undefined>): void {
		for (const secret of secrets) {
			if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
			for (const form of forms(secret)) {
				if (!this.values.has(form)) {
					this.values.add(form);
					this.sorted = undefined;
				}
			}
		}
	}

	/** The secret fields of a credential, and the Basic authorization its client ID and secret make. */
	addCredentials(credentials: ICredentialDataDecryptedObject | undefined): void {
		if (!credentials) return;
		for (const field of SECRET_FIELDS) {
			const value = credentials[field];
			if (typeof value === 'string') this.add(value);
		}
		const { clientId, clientSecret } = credentials;
		if (typeof clientSecret === 'string' && clientSecret !== '') {
			const id = String(clientId ?? '');
			this.add(Buffer.from(`${id}:${clientSecret}`).toString('base64'));
			this.add(Buffer.from(`${id.trim()}:${clientSecret.trim()}`).toString('base64'));
		}
	}

	/** Longest first, so that a secret inside a longer form is replaced as part of that form. */
	list(): readonly string[] {
		this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
		return this.sorted;
	}

	get size(): number {
		return this.values.size;
	}
}

export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (out.includes(secret)) out = out.split(secret).join(REDACTED);
	}
	return out;
}

/**
 * Scrubs every string an error carries — message, description, stack, the messages n8n keeps,
 * context, the vendor's response, the cause — in place. Depth- and cycle-safe.
 */
export function redactError<T extends Error>(error: T, secrets: readonly string[]): T {
	if (secrets.length === 0) return error;
	const seen = new WeakSet<object>();
	const scrub = (value: unknown, depth: number): unknown => {
		if (typeof value === 'string') return redact(value, secrets);
		if (typeof value !== 'object' || value === null || depth > 8 || seen.has(value)) return value;
		seen.add(value);
		if (Array.isArray(value)) {
			for (let i = 0; i < value.length; i++) value[i] = scrub(value[i], depth + 1);
			return value;
		}
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			// The workflow's own node object: never rewritten, and it holds no answer from a vendor.
			if (depth === 0 && key === 'node') continue;
			const descriptor = Object.getOwnPropertyDescriptor(record, key);
			if (descriptor && 'value' in descriptor && descriptor.writable)
				record[key] = scrub(record[key], depth + 1);
		}
		return value;
	};
	// message and stack are own but not always enumerable; cause is not enumerable.
	const target = error as unknown as Record<string, unknown>;
	for (const key of ['message', 'stack', 'description']) {
		if (typeof target[key] === 'string') target[key] = redact(target[key] as string, secrets);
	}
	scrub(error, 0);
	const cause = (error as { cause?: unknown }).cause;
	if (cause instanceof Error) redactError(cause, secrets);
	else if (cause !== undefined) scrub(cause, 1);
	return error;
}
