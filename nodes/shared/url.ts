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

/**
 * A host on this machine or its private networks, written as such: `localhost` and names under
 * `.localhost`, and literal addresses that are loopback (127.0.0.0/8, ::1), private (10/8,
 * 172.16/12, 192.168/16, 100.64/10, fc00::/7), link-local (169.254/16, fe80::/10, where cloud
 * metadata services answer) or unspecified (0.0.0.0, ::), IPv4 inside IPv6 included. `hostname` is
 * as the URL parser gives it, so "2130706433" or "0x7f.1" already read as 127.0.0.1. A name that
 * a DNS server resolves to such an address is not seen here.
 */
export function isInternalHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	const v4 = ipv4(host) ?? ipv4(mappedIpv4(host));
	if (v4 !== undefined) {
		const [a, b] = v4;
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168)
		);
	}
	if (!host.includes(':')) return false;
	if (host === '::' || host === '::1') return true;
	const first = Number.parseInt(host.split(':')[0] || '0', 16);
	// fc00::/7 (unique local), fe80::/10 (link-local).
	return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80;
}

function ipv4(host: string | undefined): number[] | undefined {
	if (host === undefined) return undefined;
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	return match ? match.slice(1).map(Number) : undefined;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:7f00:1 or ::ffff:127.0.0.1). */
function mappedIpv4(host: string): string | undefined {
	const dotted = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(host);
	if (dotted) return dotted[1];
	const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (!hex) return undefined;
	const high = Number.parseInt(hex[1], 16);
	const low = Number.parseInt(hex[2], 16);
	return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
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
