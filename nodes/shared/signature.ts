/**
 * InterswitchAuth request signatures, sent by Interswitch's own SDKs together with the Bearer
 * token: `Timestamp` (epoch seconds), `Nonce` (unique, at most 64 characters), `SignatureMethod`
 * and `Signature = Base64(Hash(METHOD & percentEncode(url) & timestamp & nonce & clientId & clientSecret))`.
 * Documents disagree on SHA-1 versus SHA-512, so the method is the user's choice.
 */
import { createHash, randomUUID } from 'crypto';

export type SignatureMethod = 'SHA512' | 'SHA1';

/** RFC 3986 percent-encoding: encodeURIComponent also leaves !'()* alone, which RFC 3986 reserves. */
export function percentEncode(text: string): string {
	return encodeURIComponent(text).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

export interface SignatureInput {
	method: string;
	/** The full URL as sent, query string included. */
	url: string;
	timestamp: number;
	nonce: string;
	clientId: string;
	clientSecret: string;
	signatureMethod: SignatureMethod;
}

export function signatureBaseString(input: SignatureInput): string {
	return [
		input.method.toUpperCase(),
		percentEncode(input.url),
		String(input.timestamp),
		input.nonce,
		input.clientId,
		input.clientSecret,
	].join('&');
}

export function computeSignature(input: SignatureInput): string {
	const algorithm = input.signatureMethod === 'SHA1' ? 'sha1' : 'sha512';
	return createHash(algorithm).update(signatureBaseString(input), 'utf8').digest('base64');
}

/** The four headers for one request, with a fresh timestamp and nonce. */
export function signatureHeaders(
	request: Omit<SignatureInput, 'timestamp' | 'nonce'>,
	now = Date.now(),
	nonce = randomUUID().replace(/-/g, ''),
): Record<string, string> {
	const timestamp = Math.floor(now / 1000);
	return {
		Timestamp: String(timestamp),
		Nonce: nonce,
		SignatureMethod: request.signatureMethod,
		Signature: computeSignature({ ...request, timestamp, nonce }),
	};
}
