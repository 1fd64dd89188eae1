/**
 * Runs one query per input item, a bounded number at a time, and routes the results.
 *
 * The engine only fills in `pairedItem` for single-output nodes, so every item made here carries
 * `pairedItem: { item: i }` itself. Output order is stable: input order, then each item's own order.
 * An input item ends as its routed items or exactly one error item, never neither and never both.
 *
 * - Stop on error: the first item that fails stops the others at once (their requests and waits
 *   are aborted) and its error is the node's error.
 * - A cancelled execution ends with n8n's own cancellation error, so n8n records the run as
 *   canceled, whatever the node's error setting.
 * - Every error is scrubbed of the run's secrets where it leaves the node (secrets.ts).
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { ManualExecutionCancelledError, NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ChangeFilter, ChangeSettings } from './changes';
import { filterChanges, readChangeSettings } from './changes';
import { operationError } from './errors';
import type { WaitSettings } from './poll';
import { readWaitSettings } from './poll';
import { RunSecrets, redactError } from './secrets';
import type { RequestSettings } from './settings';
import { readRequestSettings } from './settings';

export type Routed = INodeExecutionData[][];

export interface BatchOptions {
	/** Number of outputs the node declares. */
	outputCount: number;
	/** Index of the output that receives error items when the node continues on failure. */
	failedOutput: number;
	/** Most queries in flight at once. */
	concurrency: number;
	/** The run's secrets, scrubbed from every error; `refresh` adds what the credential holds now. */
	secrets?: { run: RunSecrets; refresh: () => Promise<void> };
	/** Which entries of the deferred items are routed ("Only Changes Since Last Run"). */
	changes?: (keys: string[]) => Promise<ChangeFilter>;
}

/**
 * An item's result routed only once every item is done: its entries' keys go to the change store
 * in one call for the whole run, and `route` then keeps what the filter keeps.
 */
export interface Deferred {
	changeKeys: string[];
	route: (filter: ChangeFilter) => Routed;
}

function isDeferred(result: Routed | Deferred | undefined): result is Deferred {
	return result !== undefined && !Array.isArray(result);
}

/**
 * What one input item produced: an array per output. `itemCtx` is the execution context for this
 * item: its cancel signal fires when the execution is cancelled and when the node stops early.
 */
export type ItemHandler = (itemIndex: number, itemCtx: IExecuteFunctions) => Promise<Routed | Deferred>;

type ItemError = NodeApiError | NodeOperationError;

export async function runItems(
	ctx: IExecuteFunctions,
	itemCount: number,
	options: BatchOptions,
	handle: ItemHandler,
): Promise<Routed> {
	const continueOnFail = ctx.continueOnFail();
	const executionSignal = ctx.getExecutionCancelSignal();
	// Each item gets its own cancel signal, aborted when the execution is cancelled or when the node
	// stops early (Stop on error): one listener here fans out to the items in flight, instead of
	// every request of every item listening on one shared signal.
	const inFlight = new Set<AbortController>();
	let stopped = false;
	const abortAll = () => {
		for (const controller of inFlight) controller.abort();
	};
	executionSignal?.addEventListener('abort', abortAll, { once: true });
	const ending = () => stopped || executionSignal?.aborted === true;
	const results: Array<Routed | Deferred | undefined> = new Array(itemCount);
	const errors: Array<ItemError | undefined> = new Array(itemCount);
	let firstFailure: number | undefined;
	let next = 0;

	const runOne = async (itemIndex: number) => {
		const controller = new AbortController();
		inFlight.add(controller);
		const itemCtx = Object.create(ctx, { getExecutionCancelSignal: { value: () => controller.signal } }) as IExecuteFunctions;
		try {
			results[itemIndex] = await handle(itemIndex, itemCtx);
		} catch (error) {
			// Ended by the cancel or by another item's failure: not this item's own error.
			if (controller.signal.aborted) return;
			errors[itemIndex] = asNodeError(ctx, error, itemIndex);
			if (!continueOnFail && !stopped) {
				firstFailure = itemIndex;
				stopped = true;
				abortAll();
			}
		} finally {
			inFlight.delete(controller);
		}
	};

	const worker = async () => {
		while (!ending() && next < itemCount) {
			const itemIndex = next++;
			await runOne(itemIndex);
		}
	};

	const workers = Math.max(0, Math.min(options.concurrency, itemCount));
	try {
		await Promise.all(Array.from({ length: workers }, worker));
	} finally {
		executionSignal?.removeEventListener('abort', abortAll);
	}

	if (executionSignal?.aborted) throw new ManualExecutionCancelledError(ctx.getExecutionId());
	if (errors.some((error) => error !== undefined) && options.secrets) {
		await options.secrets.refresh();
		const secrets = options.secrets.run.list();
		for (const error of errors) if (error) redactError(error, secrets);
	}
	if (firstFailure !== undefined) throw errors[firstFailure];
	const deferred = results.filter(isDeferred);
	if (deferred.length > 0) {
		const filter = options.changes ? await options.changes(deferred.flatMap((result) => result.changeKeys)) : undefined;
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
			const result = results[itemIndex];
			if (isDeferred(result)) results[itemIndex] = result.route(filter ?? { keep: () => true });
		}
	}
	return merge(results as Array<Routed | undefined>, errors, options);
}

function merge(results: Array<Routed | undefined>, errors: Array<ItemError | undefined>, options: BatchOptions): Routed {
	// A single input item is the common case for big batches: hand its arrays over as they are.
	if (results.length === 1 && results[0] && !errors[0]) return results[0];
	const outputs: Routed = Array.from({ length: options.outputCount }, () => []);
	for (let itemIndex = 0; itemIndex < results.length; itemIndex++) {
		const error = errors[itemIndex];
		if (error) {
			outputs[options.failedOutput].push(errorItem(error, itemIndex));
			continue;
		}
		const routed = results[itemIndex];
		if (!routed) continue;
		for (let output = 0; output < options.outputCount; output++) {
			const items = routed[output];
			for (let k = 0; k < items.length; k++) outputs[output].push(items[k]);
		}
	}
	return outputs;
}

/**
 * The item n8n expects for a failed input item when the node continues on failure. With
 * "Continue (using error output)" the engine moves it to the error output because it carries
 * `error`; with "Continue (regular output)" it stays in the Failed branch. The engine replaces the
 * JSON of any item with `error` by `{ error: message }`; the description, HTTP code and vendor
 * code stay on the error itself.
 */
export function errorItem(error: ItemError, itemIndex: number): INodeExecutionData {
	return { json: { error: error.message }, error, pairedItem: { item: itemIndex } };
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return operationError(ctx.getNode(), message, { itemIndex });
}

/** Wraps each output's JSON into items that point back at their input item. */
export function toRouted(outputs: Array<Array<Record<string, unknown>>>, itemIndex: number): Routed {
	// One pairedItem object for all the items of one input item: n8n only reads it (and replaces,
	// never edits, an item's pairedItem), and n8n saves a shared object once in execution data.
	const pairedItem = { item: itemIndex };
	return outputs.map((items) => {
		const data: INodeExecutionData[] = new Array(items.length);
		for (let i = 0; i < items.length; i++) data[i] = { json: items[i] as INodeExecutionData['json'], pairedItem };
		return data;
	});
}

/**
 * The node's credential, or why it could not be loaded. A missing or broken credential fails every
 * item the same way; the node raises it per item, so that each input item still ends as exactly
 * one error item when the node continues on failure.
 */
export async function loadCredentials(
	ctx: IExecuteFunctions,
	type: string,
): Promise<{ ok: true; credentials: ICredentialDataDecryptedObject } | { ok: false; problem: string }> {
	return await ctx.getCredentials(type).then(
		(credentials) => ({ ok: true as const, credentials }),
		(error: unknown) => ({ ok: false as const, problem: error instanceof Error ? error.message : String(error) }),
	);
}

export interface BatchSpec {
	credentialType: string;
	/** The credential's name in the editor, for messages ("Surepass API"). */
	credentialLabel: string;
	outputCount: number;
	failedOutput: number;
	/**
	 * The per-item parameters the node reads first, with the fallback it reads them with: evaluated
	 * ahead of the items' turns while requests are in flight (see ParameterWarmer).
	 */
	itemParameters?: Array<[name: string, fallback: unknown]>;
}

/** What a node's per-item code gets. */
export interface ItemScope {
	itemIndex: number;
	/** The execution context for this item (see ItemHandler). */
	ctx: IExecuteFunctions;
	credentials: ICredentialDataDecryptedObject;
	settings: RequestSettings;
	wait: WaitSettings;
	/** "Only Changes Since Last Run": when enabled, return a Deferred result. */
	changes: ChangeSettings;
	secrets: RunSecrets;
	/** An error about this item's input, with the item named in the message. */
	fail: (message: string, description: string) => NodeOperationError;
}

/**
 * The skeleton both nodes share: read the node-wide settings and the credential once, then run
 * `handle` for every input item. A node-wide problem (a setting out of range, a credential that
 * cannot be loaded) fails every item the same way, one error item each.
 */
export async function runBatch(ctx: IExecuteFunctions, spec: BatchSpec, handle: (scope: ItemScope) => Promise<Routed | Deferred>): Promise<Routed> {
	const node = ctx.getNode();
	const settings = readRequestSettings(ctx);
	const wait = readWaitSettings(ctx);
	const changes = readChangeSettings(ctx, ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>);
	const loaded = await loadCredentials(ctx, spec.credentialType);
	const secrets = new RunSecrets();
	if (loaded.ok) secrets.addCredentials(loaded.credentials);
	const setupProblem = !settings.ok
		? { problem: settings.problem, description: 'Fix the option in the node: an expression may give a value outside its range.' }
		: !wait.ok
			? { problem: wait.problem, description: 'Fix the Wait for Completion settings in the node: an expression may give a value outside their range.' }
			: !changes.ok
				? { problem: changes.problem, description: 'Fix the option in the node: an expression may give a value outside its range.' }
				: !loaded.ok
					? { problem: loaded.problem, description: `Select or fix the ${spec.credentialLabel} credential of this node.` }
					: undefined;
	const itemCount = ctx.getInputData().length;
	const warmer = new ParameterWarmer(ctx, itemCount, setupProblem ? [] : (spec.itemParameters ?? []));
	try {
		return await runItems(ctx, itemCount, batchOptions(), async (itemIndex, itemCtx) => await runOne(itemIndex, warmer.context(itemIndex, itemCtx)));
	} finally {
		warmer.stop();
	}

	function batchOptions(): BatchOptions {
		return {
			outputCount: spec.outputCount,
			failedOutput: spec.failedOutput,
			concurrency: settings.ok ? settings.value.concurrency : 1,
			secrets: {
				run: secrets,
				// The credential as it is now: a token renewed during the run is a secret too.
				refresh: async () => secrets.addCredentials(await ctx.getCredentials(spec.credentialType).catch(() => undefined)),
			},
			changes: changes.ok && changes.value.enabled ? async (keys) => await filterChanges(ctx, changes.value, keys) : undefined,
		};
	}

	async function runOne(itemIndex: number, itemCtx: IExecuteFunctions): Promise<Routed | Deferred> {
		const fail = (message: string, description: string) => operationError(node, `${message} [item ${itemIndex}]`, { itemIndex, description });
		if (setupProblem || !settings.ok || !wait.ok || !changes.ok || !loaded.ok) {
			throw fail(setupProblem?.problem ?? 'The node could not start', setupProblem?.description ?? '');
		}
		return await handle({
			itemIndex,
			ctx: itemCtx,
			credentials: loaded.credentials,
			settings: settings.value,
			wait: wait.value,
			changes: changes.value,
			secrets,
			fail,
		});
	}
}

/**
 * Evaluates the items' mapped parameters ahead of their turn. In n8n 2.41.1 one expression such as
 * `{{ $json.bulkOrderId }}` takes a few milliseconds (it runs in an isolated VM); evaluated when an
 * item's turn comes, that time adds to every request's round trip: 1,000 orders at 200 ms latency
 * and concurrency 5 took 1.2 × N × latency ÷ concurrency. Evaluated one item at a time between the
 * event loop's turns, it fills the time the requests in flight leave idle. A value or the error of
 * its evaluation is handed to the item once, when it reads the same parameter with the same
 * fallback; anything else is read as usual.
 */
class ParameterWarmer {
	private readonly ready = new Map<string, { value: unknown } | { error: unknown }>();
	private next = 0;
	private stopped = false;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly itemCount: number,
		private readonly parameters: Array<[name: string, fallback: unknown]>,
	) {
		if (parameters.length > 0 && itemCount > 1) void this.run();
	}

	stop(): void {
		this.stopped = true;
		this.ready.clear();
	}

	/** The item's context, reading what was evaluated ahead. */
	context(itemIndex: number, itemCtx: IExecuteFunctions): IExecuteFunctions {
		if (this.parameters.length === 0) return itemCtx;
		// Items start in order: from here on, the warmer works on later items only.
		this.next = Math.max(this.next, itemIndex + 1);
		const take = (name: string, index: number, fallback: unknown, options: unknown): unknown => {
			const known = this.parameters.some(([parameter, expected]) => parameter === name && expected === fallback);
			const key = `${index}\u0000${name}`;
			const found = known && options === undefined ? this.ready.get(key) : undefined;
			if (found === undefined) return itemCtx.getNodeParameter(name, index, fallback, options as never);
			this.ready.delete(key);
			if ('error' in found) throw found.error;
			return found.value;
		};
		return Object.create(itemCtx, { getNodeParameter: { value: take } }) as IExecuteFunctions;
	}

	private async run(): Promise<void> {
		while (!this.stopped && this.next < this.itemCount) {
			// One item per turn of the event loop: answers that arrive meanwhile are handled first.
			await sleep(0);
			const itemIndex = this.next++;
			for (const [name, fallback] of this.parameters) {
				const key = `${itemIndex}\u0000${name}`;
				if (this.stopped || this.ready.has(key)) continue;
				try {
					this.ready.set(key, { value: this.ctx.getNodeParameter(name, itemIndex, fallback) });
				} catch (error) {
					this.ready.set(key, { error });
				}
			}
		}
	}
}

/** The longest ID the nodes send. Vendor IDs are a few dozen characters; more is a mapping mistake. */
export const MAX_ID_LENGTH = 256;

/**
 * An ID parameter as trimmed text, or why it is not an ID. Mapped values can be numbers (a numeric
 * reference), null or undefined (empty); an object or a list is a mapping mistake that would
 * otherwise be sent as "[object Object]" or "a,b".
 */
export function idParameter(value: unknown, label: string): { ok: true; value: string } | { ok: false; problem: string } {
	if (value === undefined || value === null) return { ok: true, value: '' };
	if (typeof value === 'string') return { ok: true, value: value.trim() };
	if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: String(value) };
	const what = Array.isArray(value)
		? `a list of ${value.length} value(s)`
		: typeof value === 'object'
			? 'an object'
			: `a ${typeof value} (${String(value)})`;
	return { ok: false, problem: `The ${label} is ${what}, not an ID: map one ID (text) per input item` };
}

const INVISIBLE_NAMES: Readonly<Record<number, string>> = {
	0x85: 'a next-line character (U+0085)',
	0xad: 'a soft hyphen (U+00AD)',
	0x200b: 'a zero-width space (U+200B)',
	0x200c: 'a zero-width non-joiner (U+200C)',
	0x200d: 'a zero-width joiner (U+200D)',
	0x200e: 'a left-to-right mark (U+200E)',
	0x200f: 'a right-to-left mark (U+200F)',
	0x2028: 'a line separator (U+2028)',
	0x2029: 'a paragraph separator (U+2029)',
	0x2060: 'a word joiner (U+2060)',
	0xfeff: 'a byte-order mark (U+FEFF)',
};

/**
 * What is wrong with an ID about to be sent, or undefined. IDs are sent encoded, so any visible
 * text is safe to send. Refused, because they are always a mistake: very long values (a whole text
 * mapped instead of an ID), line breaks and other control characters, and invisible characters
 * (zero-width spaces, direction marks, line separators) that make two IDs look alike.
 */
export function checkIdentifier(value: string, label: string): string | undefined {
	if (value.length > MAX_ID_LENGTH) {
		return `The ${label} is ${value.length} characters long, more than the ${MAX_ID_LENGTH} an ID can have: check what is mapped into it`;
	}
	const found = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.exec(value);
	if (found) {
		const code = found[0].codePointAt(0) ?? 0;
		const hex = code.toString(16).toUpperCase().padStart(4, '0');
		const what =
			INVISIBLE_NAMES[code] ??
			(code < 0x20 || code === 0x7f ? `a line break or another control character (U+${hex})` : `an invisible character (U+${hex})`);
		return `The ${label} contains ${what} at position ${found.index + 1}: check what is mapped into it`;
	}
	return undefined;
}
