/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Small real HTTP(S) servers on 127.0.0.1 that behave like real-world ones rather than like the
 * emulator: bodies with Content-Length, gzip, keep-alive, servers that hang, lie about their length,
 * send far too much, or present a certificate nobody trusts. Each test starts its own and stops it.
 */
import { spawnSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import https from 'https';
import type { AddressInfo, Socket } from 'net';
import os from 'os';
import path from 'path';

export interface TestServer {
	url: string;
	/** Requests received, in order. */
	requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }>;
	/** Connections the client closed before the server was done with them. */
	closedByClient: number;
	stop: () => Promise<void>;
}

export type Handler = (
	req: http.IncomingMessage,
	res: http.ServerResponse,
	body: string,
) => void | Promise<void>;

async function listen(
	server: http.Server | https.Server,
	scheme: 'http' | 'https',
	handlerState: TestServer,
): Promise<TestServer> {
	const sockets = new Set<Socket>();
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	handlerState.url = `${scheme}://127.0.0.1:${port}`;
	handlerState.stop = async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return handlerState;
}

function state(): TestServer {
	return { url: '', requests: [], closedByClient: 0, stop: async () => {} };
}

function serve(handler: Handler, record: TestServer) {
	return (req: http.IncomingMessage, res: http.ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			record.requests.push({
				method: req.method ?? 'GET',
				url: req.url ?? '/',
				headers: req.headers,
				body,
			});
			res.on('close', () => {
				if (!res.writableFinished) record.closedByClient++;
			});
			Promise.resolve(handler(req, res, body)).catch((error: unknown) => {
				if (!res.headersSent) res.writeHead(500);
				res.end(String(error));
			});
		});
	};
}

/** A plain HTTP server with keep-alive, as most servers are. */
export async function startHttpServer(handler: Handler): Promise<TestServer> {
	const record = state();
	const server = http.createServer({ keepAlive: true }, serve(handler, record));
	server.keepAliveTimeout = 5000;
	return await listen(server, 'http', record);
}

/** An HTTPS server with a self-signed certificate for 127.0.0.1 (made with openssl for this run). */
export async function startSelfSignedHttpsServer(handler: Handler): Promise<TestServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-'));
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	const made = spawnSync(
		'openssl',
		[
			'req',
			'-x509',
			'-newkey',
			'ec',
			'-pkeyopt',
			'ec_paramgen_curve:prime256v1',
			'-nodes',
			'-keyout',
			key,
			'-out',
			cert,
			'-days',
			'2',
			'-subj',
			'/CN=127.0.0.1',
			'-addext',
			'subjectAltName=IP:127.0.0.1',
		],
		{ encoding: 'utf8' },
	);
	if (made.status !== 0)
		throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
	const record = state();
	const server = https.createServer(
		{ key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
		serve(handler, record),
	);
	fs.rmSync(dir, { recursive: true, force: true });
	return await listen(server, 'https', record);
}

/** Sends `body` as one response with Content-Length (no chunking), as most servers do for JSON. */
export function sendWithLength(
	res: http.ServerResponse,
	status: number,
	body: string | Buffer,
	headers: Record<string, string> = {},
): void {
	const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': String(bytes.length),
		...headers,
	});
	res.end(bytes);
}

/**
 * A TCP server on 127.0.0.1 that answers every connection with `answer` (bytes written as they
 * are, then the connection closed unless `keepOpen`): for answers that are not valid HTTP.
 */
export async function startRawServer(
	answer: string | Buffer,
	keepOpen = false,
): Promise<TestServer> {
	const record = state();
	const net = await import('net');
	const sockets = new Set<Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.once('data', (data) => {
			record.requests.push({
				method: 'RAW',
				url: data.toString('latin1').split('\r\n')[0],
				headers: {},
				body: '',
			});
			socket.write(answer, () => {
				if (!keepOpen) socket.end();
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.address() as AddressInfo;
	record.url = `http://127.0.0.1:${port}`;
	record.stop = async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return record;
}
