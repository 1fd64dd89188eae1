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
 * - Every error is scrubbed of the run's secrets where it leaves the node (../secrets.ts).
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ChangeFilter } from '../changes';
import { operationError, standAlone } from '../errors';
import { cancellationError, withOverrides } from '../n8n';
import type { RunSecrets } from '../secrets';
import { redactError } from '../secrets';

export type Routed = INodeExecutionData[][];

/** How often a long run reports its progress in n8n's log. */
const PROGRESS_EVERY_MS = 30_000;

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
	/**
	 * What an item is about (its order, batch or stamp), named in its error message when the
	 * message does not name it yet (see standAlone in ../errors).
	 */
	subject?: (itemIndex: number) => { noun: string; id: string } | undefined;
	/**
	 * For an operation that changes something at the vendor: the message with what the request did
	 * there, when it does not say so yet (see standAlone in ../errors).
	 */
	effect?: (message: string) => string;
	/**
	 * With On Error "Continue (regular output)": the fields an error item carries besides `error`
	 * (`status: "error"` and what names the input), so that it cannot pass for a routed item.
	 * Without it, an error item is n8n's usual `{ error }`.
	 */
	errorFields?: (itemIndex: number) => Record<string, unknown>;
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
export type ItemHandler = (
	itemIndex: number,
	itemCtx: IExecuteFunctions,
) => Promise<Routed | Deferred>;

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

	// A long run says how far it is in n8n's log (info), at most every 30 s.
	const started = Date.now();
	let lastProgress = started;
	let done = 0;
	const progress = () => {
		done++;
		const now = Date.now();
		if (now - lastProgress < PROGRESS_EVERY_MS || done === itemCount) return;
		lastProgress = now;
		ctx.logger.info(
			`${ctx.getNode().name}: ${done.toLocaleString('en-US')} of ${itemCount.toLocaleString('en-US')} items done in ${Math.round((now - started) / 1000)} s`,
		);
	};

	const runOne = async (itemIndex: number) => {
		const controller = new AbortController();
		inFlight.add(controller);
		const itemCtx = withOverrides(ctx, { getExecutionCancelSignal: () => controller.signal });
		try {
			results[itemIndex] = await handle(itemIndex, itemCtx);
		} catch (error) {
			// Ended by the cancel or by another item's failure: not this item's own error.
			if (controller.signal.aborted) return;
			errors[itemIndex] = standAlone(
				asNodeError(ctx, error, itemIndex),
				itemIndex,
				options.subject?.(itemIndex),
				options.effect,
			);
			if (!continueOnFail && !stopped) {
				firstFailure = itemIndex;
				stopped = true;
				abortAll();
			}
		} finally {
			inFlight.delete(controller);
			progress();
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

	if (executionSignal?.aborted) throw cancellationError(ctx);
	if (errors.some((error) => error !== undefined) && options.secrets) {
		await options.secrets.refresh();
		const secrets = options.secrets.run.list();
		for (const error of errors) if (error) redactError(error, secrets);
	}
	if (firstFailure !== undefined) throw errors[firstFailure];
	const deferred = results.filter(isDeferred);
	if (deferred.length > 0) {
		const filter = options.changes
			? await options.changes(deferred.flatMap((result) => result.changeKeys))
			: undefined;
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
			const result = results[itemIndex];
			if (isDeferred(result)) results[itemIndex] = result.route(filter ?? { keep: () => true });
		}
	}
	return merge(results as Array<Routed | undefined>, errors, options);
}

function merge(
	results: Array<Routed | undefined>,
	errors: Array<ItemError | undefined>,
	options: BatchOptions,
): Routed {
	// A single input item is the common case for big batches: hand its arrays over as they are.
	if (results.length === 1 && results[0] && !errors[0]) return results[0];
	const outputs: Routed = Array.from({ length: options.outputCount }, () => []);
	for (let itemIndex = 0; itemIndex < results.length; itemIndex++) {
		const error = errors[itemIndex];
		if (error) {
			outputs[options.failedOutput].push(
				options.errorFields
					? regularErrorItem(error, itemIndex, options.errorFields(itemIndex))
					: errorItem(error, itemIndex),
			);
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

/**
 * An error item for "Continue (regular output)" that says what it is: `status: "error"`, what names
 * the input (its order or batch), the message and what to do. It has no `error` object: n8n would
 * replace its JSON with `{ error }` (WorkflowExecute.normalizeNodeErrors), dropping the fields.
 */
function regularErrorItem(
	error: ItemError,
	itemIndex: number,
	fields: Record<string, unknown>,
): INodeExecutionData {
	const description = typeof error.description === 'string' ? error.description : undefined;
	return {
		json: {
			status: 'error',
			...fields,
			error: error.message,
			...(description ? { errorDescription: description } : {}),
		},
		pairedItem: { item: itemIndex },
	};
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
export function toRouted(
	outputs: Array<Array<Record<string, unknown>>>,
	itemIndex: number,
): Routed {
	// One pairedItem object for all the items of one input item: n8n only reads it (and replaces,
	// never edits, an item's pairedItem), and n8n saves a shared object once in execution data.
	const pairedItem = { item: itemIndex };
	return outputs.map((items) => {
		const data: INodeExecutionData[] = new Array(items.length);
		for (let i = 0; i < items.length; i++)
			data[i] = { json: items[i] as INodeExecutionData['json'], pairedItem };
		return data;
	});
}
