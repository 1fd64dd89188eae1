// @ts-check
/**
 * Part of `npm run test:e2e`: both nodes as tools in the real n8n, with nothing leaving the machine.
 *
 * 1. An AI Agent node with an OpenAI Chat Model sub-node whose credential points at a scripted,
 *    OpenAI-compatible chat-completions server started here. Its first answer is a tool call to one
 *    of our nodes with an ID (taken from the prompt); its second request carries what the tool
 *    returned, which is recorded and checked (all three branches, the right counts, no PIN, the
 *    size), and it answers with a final text.
 * 2. n8n's MCP Server Trigger exposing both nodes, called with the official MCP TypeScript SDK:
 *    list the tools, check their input schemas, call each, check the results.
 */
const http = require('node:http');

const MODEL = 'mock-model';
/** The tool result for a 100,000-entry batch must stay under this many characters. */
const TOOL_RESULT_LIMIT = 8000;

/**
 * A chat-completions server that follows a script written in the prompt: `CALL <tool name part>
 * WITH <JSON arguments>`. Records the tools it was offered and every tool message it received.
 */
async function startMockOpenAi() {
	/** @type {Array<{ tools: string[], toolMessages: string[] }>} */
	const conversations = [];
	const server = http.createServer((req, res) => {
		const chunks = /** @type {Buffer[]} */ ([]);
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			if (req.method === 'GET' && String(req.url).endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						object: 'list',
						data: [{ id: MODEL, object: 'model', owned_by: 'e2e' }],
					}),
				);
				return;
			}
			const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
			const messages = /** @type {Array<{ role: string, content: unknown }>} */ (
				body.messages ?? []
			);
			const tools = /** @type {Array<{ function: { name: string } }>} */ (body.tools ?? []).map(
				(tool) => tool.function.name,
			);
			const text = (/** @type {unknown} */ content) =>
				typeof content === 'string' ? content : JSON.stringify(content);
			const prompt = text(
				messages.filter((message) => message.role === 'user').pop()?.content ?? '',
			);
			const toolMessages = messages
				.filter((message) => message.role === 'tool')
				.map((message) => text(message.content));
			const script = /CALL (\S+) WITH (\{.*\})/.exec(prompt);
			/** @type {Record<string, unknown>} */
			let message;
			if (toolMessages.length === 0 && script) {
				const name =
					tools.find((tool) => tool.toLowerCase().includes(script[1].toLowerCase())) ?? script[1];
				conversations.push({ tools, toolMessages: [] });
				message = {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_${conversations.length}`,
							type: 'function',
							function: { name, arguments: script[2] },
						},
					],
				};
			} else {
				const conversation = conversations.at(-1);
				if (conversation) conversation.toolMessages.push(...toolMessages);
				message = {
					role: 'assistant',
					content: `Done: I read ${toolMessages.length} tool answer(s).`,
				};
			}
			const finish = message.tool_calls ? 'tool_calls' : 'stop';
			const id = `chatcmpl-e2e-${Date.now()}`;
			if (body.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream' });
				const delta = message.tool_calls
					? {
							role: 'assistant',
							tool_calls: /** @type {any[]} */ (message.tool_calls).map((call, index) => ({
								index,
								...call,
							})),
						}
					: { role: 'assistant', content: message.content };
				res.write(
					`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: MODEL, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`,
				);
				res.write(
					`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: MODEL, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`,
				);
				res.end('data: [DONE]\n\n');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					id,
					object: 'chat.completion',
					created: 0,
					model: MODEL,
					choices: [{ index: 0, message, finish_reason: finish }],
					usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
				}),
			);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
	const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${port}/v1`,
		conversations,
		stop: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

const EXAMPLE = 'ai-agent-batch-checks.json';

/**
 * The operations after the status check, as tools: Stamp → Get, Stamp → Download, Bulk Token
 * Batch → Cancel (each with one output, which is what an agent receives).
 * @param {string} name @param {string} type @param {Record<string, unknown>} parameters @param {number} x
 */
function toolNode(name, type, parameters, x) {
	const surepass = type === 'surepassStampTool';
	return {
		id: `e2e-tool-${x}`,
		name,
		type: `n8n-nodes-surepass-interswitch.${type}`,
		typeVersion: surepass ? 1.1 : 1.2,
		position: [x, 260],
		parameters: { descriptionType: 'manual', toolDescription: name, options: {}, ...parameters },
		credentials: surepass
			? { surepassApi: { id: 'surepass-emulator', name: 'Surepass (local emulator)' } }
			: {
					interswitchPaycodeApi: {
						id: 'interswitch-emulator',
						name: 'Interswitch Paycode (local emulator)',
					},
				},
	};
}
const NEW_OPERATION_TOOLS = [
	toolNode(
		'Get a stamp',
		'surepassStampTool',
		{
			resource: 'stamp',
			operation: 'get',
			stampId:
				"={{ $fromAI('stampId', 'The ID of one stamp; it starts with stamp_v2_', 'string') }}",
		},
		640,
	),
	toolNode(
		'Download a stamp',
		'surepassStampTool',
		{
			resource: 'stamp',
			operation: 'download',
			stampId:
				"={{ $fromAI('stampId', 'The ID of one stamp; it starts with stamp_v2_', 'string') }}",
			binaryPropertyName: 'data',
		},
		840,
	),
	toolNode(
		'Cancel a batch',
		'interswitchPaycodeTool',
		{
			resource: 'bulkTokenBatch',
			operation: 'cancel',
			referenceId:
				"={{ $fromAI('referenceId', 'The transaction reference of a Paycode bulk token batch', 'string') }}",
			frontEndPartnerId: '',
		},
		1040,
	),
];
const CHAT_TRIGGER = 'When chat message received';
/**
 * Runs the example workflow examples/ai-agent-batch-checks.json (imported by e2e.js, its OpenAI
 * credential pointing at `mock`) with scripted chat messages, then an MCP server built from the
 * example's two tool nodes.
 * @param {{ url: string, api: (method: string, route: string, body?: unknown) => Promise<any>, waitForExecution: (id: string) => Promise<any>, parse: (text: string) => any }} n8n
 * @param {Awaited<ReturnType<typeof startMockOpenAi>>} mock
 * @returns {Promise<number>} failures
 */
async function checkAgentAndMcp(n8n, mock) {
	let failures = 0;
	const check = (/** @type {boolean} */ ok, /** @type {string} */ what) => {
		console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures++;
	};
	const example = JSON.parse(
		require('node:fs').readFileSync(
			require('node:path').join(__dirname, '..', '..', 'examples', EXAMPLE),
			'utf8',
		),
	);
	{
		console.log(
			`\nAI Agent: ${EXAMPLE}, its OpenAI Chat Model answered by a scripted chat-completions server on this machine:`,
		);
		const listed = (await n8n.api('GET', '/rest/workflows')).data;
		const stored = listed.find((/** @type {any} */ entry) => entry.name === example.name);
		if (!stored) {
			check(false, `${EXAMPLE} is imported`);
			return failures;
		}
		const workflow = (await n8n.api('GET', `/rest/workflows/${stored.id}`)).data;
		const cases = [
			{
				name: 'Surepass order with stamps in every branch',
				prompt: 'CALL Surepass WITH {"bulkOrderId":"bulk_stamp_v2_demoMixed00001"}',
				counts: { pending: 1, available: 3, failed: 2 },
			},
			{
				name: 'Paycode batch with failed tokens (PINs included in the node, not for the model)',
				prompt: 'CALL Paycode WITH {"referenceId":"BATCH-WITH-FAILURES"}',
				counts: { pending: 0, successful: 4, failed: 2 },
			},
			{
				name: 'Surepass order that does not exist',
				prompt: 'CALL Surepass WITH {"bulkOrderId":"bulk_stamp_v2_nosuchorder1"}',
				error: /Surepass has no bulk stamp order "bulk_stamp_v2_nosuchorder1"/,
			},
			{
				name: 'Paycode batch of 100,000 tokens',
				prompt: 'CALL Paycode WITH {"referenceId":"large_100000"}',
				counts: { pending: 0, successful: 95_000, failed: 5_000 },
				limit: TOOL_RESULT_LIMIT,
			},
		];
		for (const testCase of cases) {
			// A chat message, as the chat trigger would pass it on.
			const pinData = {
				[CHAT_TRIGGER]: [
					{ json: { sessionId: 'e2e', action: 'sendMessage', chatInput: testCase.prompt } },
				],
			};
			const saved = (
				await n8n.api('PATCH', `/rest/workflows/${workflow.id}`, {
					pinData,
					versionId: workflow.versionId,
				})
			).data;
			workflow.versionId = saved.versionId;
			const started = await n8n.api('POST', `/rest/workflows/${workflow.id}/run`, {
				workflowData: { ...saved, pinData },
				triggerToStartFrom: { name: CHAT_TRIGGER },
			});
			const execution = await n8n.waitForExecution(started.data.executionId);
			const conversation = mock.conversations.at(-1);
			const toolText = conversation?.toolMessages[0] ?? '';
			/** @type {any} */
			let toolJson;
			try {
				toolJson = JSON.parse(toolText);
			} catch {
				toolJson = undefined;
			}
			const results = Array.isArray(toolJson)
				? toolJson.flatMap((/** @type {any} */ entry) => entry.results ?? [])
				: (toolJson?.results ?? []);
			const result = results[0];
			const agentOutput = n8n.parse(execution.data).resultData.runData['AI Agent']?.[0]?.data
				?.main?.[0]?.[0]?.json?.output;
			let ok =
				execution.status === 'success' && typeof agentOutput === 'string' && toolText.length > 0;
			if (testCase.counts)
				ok = ok && JSON.stringify(result?.counts) === JSON.stringify(testCase.counts);
			if (testCase.error) ok = ok && testCase.error.test(String(result?.error ?? ''));
			if (testCase.limit) ok = ok && toolText.length < testCase.limit;
			ok = ok && !/oneTimePin|"4321"|"1234"/.test(toolText);
			check(
				ok,
				`${testCase.name}: run ${execution.status}; the model received ${toolText.length} characters from the tool: ${result?.error ? `error "${String(result.error).slice(0, 80)}…"` : `counts ${JSON.stringify(result?.counts)}`}${toolJson?.[0]?.note || toolJson?.note ? ', lists cut (said in "note")' : ''}; tools offered: ${conversation?.tools.join(', ')}`,
			);
		}

		console.log(
			"\nn8n's MCP Server Trigger with the example's two tool nodes, called by the MCP TypeScript SDK:",
		);
		const path = 'surepass-interswitch-e2e';
		const tools = [
			...example.nodes.filter((/** @type {any} */ node) =>
				node.type.startsWith('n8n-nodes-surepass-interswitch.'),
			),
			...NEW_OPERATION_TOOLS,
		];
		const mcpWorkflow = (
			await n8n.api('POST', '/rest/workflows', {
				name: 'E2E: MCP server with Surepass and Paycode tools',
				nodes: [
					{
						id: 'mcp-trigger',
						name: 'MCP Server Trigger',
						type: '@n8n/n8n-nodes-langchain.mcpTrigger',
						typeVersion: 2,
						position: [240, 0],
						parameters: { path, authentication: 'none' },
						webhookId: 'e2e-mcp-surepass-interswitch',
					},
					...tools,
				],
				connections: Object.fromEntries(
					tools.map((/** @type {any} */ node) => [
						node.name,
						{ ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] },
					]),
				),
				settings: { executionOrder: 'v1' },
				active: false,
			})
		).data;
		await n8n.api('POST', `/rest/workflows/${mcpWorkflow.id}/activate`, {
			versionId: mcpWorkflow.versionId,
		});
		await callMcp(`${n8n.url}/mcp/${path}`, check);
	}
	return failures;
}

/** @param {string} endpoint @param {(ok: boolean, what: string) => void} check */
async function callMcp(endpoint, check) {
	const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
	const {
		StreamableHTTPClientTransport,
	} = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
	const client = new Client({ name: 'n8n-nodes-surepass-interswitch-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
	try {
		const { tools } = /** @type {{ tools: any[] }} */ (await client.listTools());
		const byName = (/** @type {string} */ part) =>
			tools.find((tool) =>
				tool.name
					.toLowerCase()
					.replace(/[^a-z0-9]+/g, '_')
					.includes(part),
			);
		const surepass = byName('surepass');
		const paycode = byName('paycode');
		check(
			Boolean(
				surepass?.inputSchema?.properties?.bulkOrderId?.type === 'string' &&
				paycode?.inputSchema?.properties?.referenceId?.type === 'string',
			),
			`tools listed: ${tools.map((/** @type {any} */ tool) => `${tool.name}(${Object.keys(tool.inputSchema?.properties ?? {}).join(', ')})`).join(', ')}`,
		);
		for (const [
			tool,
			args,
			counts,
		] of /** @type {Array<[any, Record<string, string>, Record<string, number>]>} */ ([
			[
				surepass,
				{ bulkOrderId: 'bulk_stamp_v2_demoMixed00001' },
				{ pending: 1, available: 3, failed: 2 },
			],
			[paycode, { referenceId: '123456' }, { pending: 0, successful: 10, failed: 0 }],
		])) {
			if (!tool) continue;
			const called = await client.callTool({ name: tool.name, arguments: args });
			const text = /** @type {any[]} */ (called.content ?? [])
				.map((part) => part.text ?? '')
				.join('');
			/** @type {any} */
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			const result = (Array.isArray(json) ? json[0] : json)?.results?.[0];
			check(
				!called.isError &&
					JSON.stringify(result?.counts) === JSON.stringify(counts) &&
					!/oneTimePin/.test(text),
				`${tool.name} ${JSON.stringify(args)}: ${text.length} characters, counts ${JSON.stringify(result?.counts)}`,
			);
		}
		// The operations after the status check: one item each, read by the agent as it came.
		for (const [
			part,
			args,
			expected,
		] of /** @type {Array<[string, Record<string, string>, RegExp]>} */ ([
			['get_a_stamp', { stampId: 'stamp_v2_mixAvail01' }, /"status":"available".*"link":"http/],
			[
				'download_a_stamp',
				{ stampId: 'stamp_v2_mixAvail01' },
				/"fileName":"stamp_v2_mixAvail01\.pdf"/,
			],
			['cancel_a_batch', { referenceId: '123456' }, /"cancelStatus":"queued"/],
		])) {
			const tool = byName(part);
			if (!tool) {
				check(false, `tool ${part} listed`);
				continue;
			}
			const called = await client.callTool({ name: tool.name, arguments: args });
			const text = /** @type {any[]} */ (called.content ?? [])
				.map((item) => item.text ?? '')
				.join('');
			check(
				!called.isError && expected.test(text),
				`${tool.name} ${JSON.stringify(args)}: ${text.length} characters${expected.test(text) ? '' : `: ${text.slice(0, 200)}`}`,
			);
		}
	} finally {
		await client.close();
	}
}

module.exports = { checkAgentAndMcp, startMockOpenAi };
