/**
 * Reading an answer's body within a size bound. The bound counts bytes after decompression (the
 * HTTP client inflates gzip and deflate as it streams), so a compression bomb stops at the same
 * bound as a plain answer. A leaf module: the transport and the Interswitch credential both read
 * with it.
 */

export const MEBIBYTE = 1024 * 1024;

export type BodyRead = { tooLarge: false; text: string } | { tooLarge: true };

export type BytesRead = { tooLarge: false; bytes: Buffer } | { tooLarge: true };

interface ReadableLike {
	[Symbol.asyncIterator](): AsyncIterator<unknown>;
	destroy?: (error?: Error) => void;
}

function isReadable(value: unknown): value is ReadableLike {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ReadableLike)[Symbol.asyncIterator] === 'function'
	);
}

/**
 * The body as text, read up to `maxBytes` (the stream is destroyed past it). Strings and buffers
 * are accepted too, should the HTTP helper hand over a body already read. A connection that goes
 * away mid-body rejects, with the stream's own error.
 */
export async function readBounded(body: unknown, maxBytes: number): Promise<BodyRead> {
	if (typeof body === 'string')
		return Buffer.byteLength(body) > maxBytes
			? { tooLarge: true }
			: { tooLarge: false, text: body };
	if (body !== undefined && body !== null && !Buffer.isBuffer(body) && !isReadable(body))
		return { tooLarge: false, text: JSON.stringify(body) };
	const read = await readBoundedBytes(body, maxBytes);
	return read.tooLarge ? read : { tooLarge: false, text: read.bytes.toString('utf8') };
}

/** The body as bytes (a file), read up to `maxBytes` like readBounded. */
export async function readBoundedBytes(body: unknown, maxBytes: number): Promise<BytesRead> {
	if (body === undefined || body === null) return { tooLarge: false, bytes: Buffer.alloc(0) };
	if (typeof body === 'string') body = Buffer.from(body);
	if (Buffer.isBuffer(body))
		return body.length > maxBytes ? { tooLarge: true } : { tooLarge: false, bytes: body };
	if (!isReadable(body)) return { tooLarge: false, bytes: Buffer.from(JSON.stringify(body)) };
	const chunks: Buffer[] = [];
	let received = 0;
	for await (const chunk of body) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
		received += bytes.length;
		if (received > maxBytes) {
			body.destroy?.();
			return { tooLarge: true };
		}
		chunks.push(bytes);
	}
	return { tooLarge: false, bytes: Buffer.concat(chunks, received) };
}

/** "32 MB", "900 bytes": a size for a message. */
export function formatBytes(bytes: number): string {
	return bytes >= MEBIBYTE ? `${Math.round((bytes / MEBIBYTE) * 10) / 10} MB` : `${bytes} bytes`;
}
