/**
 * Base URLs come from credentials that people type by hand. A token must never be sent in clear
 * text over the network, so plain `http://` is accepted only for a loopback host (the local API
 * emulator, a tunnel on this machine). Credentials embedded in a URL would end up in logs.
 */

const LOOPBACK_HOSTNAMES = new Set(['localhost', '[::1]', '::1']);

/**
 * Only names that always mean this machine: `localhost`, 127.0.0.0/8 and ::1. A name under
 * `.localhost` is not one of them: it is looked up like any other name and may point anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (LOOPBACK_HOSTNAMES.has(host)) return true;
	// The whole 127.0.0.0/8 block is loopback.
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

function parseUrl(text: string): URL | undefined {
	// URL.canParse would say the same, but is missing from older Node versions n8n still runs on.
	try {
		return new URL(text);
	} catch {
		return undefined;
	}
}

/**
 * Checks a base URL and returns it without trailing slashes, or says what is wrong with it.
 * `label` names the field in the message ("Base URL", "Context URL").
 */
export function checkBaseUrl(raw: unknown, label: string): BaseUrlCheck {
	const text = typeof raw === 'string' ? raw.trim() : '';
	if (text === '') {
		return {
			ok: false,
			problem: `The ${label} is empty: enter the full address, starting with https://`,
		};
	}
	// The URL parser silently drops tabs and line breaks inside an address, which can turn
	// "api.example<TAB>.evil.com" into another host: any such character is refused instead.
	const hidden = /[\s\p{Cc}\p{Cf}]/u.exec(text);
	if (hidden) {
		const code = hidden[0].codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
		return {
			ok: false,
			problem: `The ${label} contains a space, tab, line break or invisible character (U+${code}) at position ${hidden.index + 1}: enter the address without it`,
		};
	}
	const url = parseUrl(text);
	if (url === undefined) {
		return {
			ok: false,
			problem: `The ${label} "${truncate(text)}" is not a valid address: enter the full address, starting with https://`,
		};
	}
	const unsafe = unsafeBecause(url, label);
	if (unsafe !== undefined) return { ok: false, problem: unsafe };
	if (url.search !== '' || url.hash !== '') {
		return {
			ok: false,
			problem: `The ${label} must not contain "?" or "#": enter only the base address`,
		};
	}
	return { ok: true, url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

/** Why a full request URL is not safe to send a secret to, or `undefined` when it is. */
export function unsafeRequestUrl(fullUrl: string, label: string): string | undefined {
	const url = parseUrl(fullUrl);
	if (url === undefined)
		return `The ${label} does not form a valid address: check it in the credential`;
	return unsafeBecause(url, label);
}

function unsafeBecause(url: URL, label: string): string | undefined {
	if (url.username !== '' || url.password !== '') {
		return `The ${label} must not contain a user name or password: remove the part before "@" and keep secrets in the credential's own fields`;
	}
	if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
		return `The ${label} uses plain http:// to ${url.hostname}: use https:// (plain http is only allowed for localhost, such as the local API emulator)`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return `The ${label} must start with https:// (got ${url.protocol}//)`;
	}
	return undefined;
}

/** Joins a request's `baseURL` and `url` the way the HTTP client does, for checking. */
export function requestTarget(options: { baseURL?: string; url: string }): string {
	if (/^[a-z][a-z0-9+.-]*:/i.test(options.url) || options.baseURL === undefined) return options.url;
	return `${options.baseURL.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`;
}

/** The host of a base URL, for messages. */
export function hostOf(baseUrl: string): string {
	const url = parseUrl(baseUrl);
	return url ? url.host : baseUrl;
}

function truncate(text: string): string {
	return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
