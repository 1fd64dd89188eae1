/**
 * Runs one query per input item, a bounded number at a time, and routes the results.
 *
 * The engine only fills in `pairedItem` for single-output nodes, so every item made here carries
 * `pairedItem: { item: i }` itself. Output order is stable: input order, then each item's own order.
 * An input item ends as its routed items or exactly one error item, never neither and never both.
 */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

export type Routed = INodeExecutionData[][];

export interface BatchOptions {
	/** Number of outputs the node declares. */
	outputCount: number;
	/** Index of the output that receives error items when the node continues on failure. */
	failedOutput: number;
	/** Most queries in flight at once. */
	concurrency: number;
	/**
	 * Run the first item alone before the others start, so that work it does once for all
	 * (fetching an access token into the credential) is not done by every concurrent item.
	 */
	firstAlone?: boolean;
}

/** What one input item produced: an array per output. */
export type ItemHandler = (itemIndex: number) => Promise<Routed>;

export async function runItems(
	ctx: IExecuteFunctions,
	itemCount: number,
	options: BatchOptions,
	handle: ItemHandler,
): Promise<Routed> {
	const continueOnFail = ctx.continueOnFail();
	const results: Array<Routed | undefined> = new Array(itemCount);
	const errors: Array<NodeApiError | NodeOperationError | undefined> = new Array(itemCount);
	let next = 0;
	let stopped = false;

	const runOne = async (itemIndex: number) => {
		try {
			results[itemIndex] = await handle(itemIndex);
		} catch (error) {
			errors[itemIndex] = asNodeError(ctx, error, itemIndex);
			// Stop on error: no new queries start; the ones in flight finish so the error reported
			// is the first failing item in input order, whichever finished first.
			if (!continueOnFail) stopped = true;
		}
	};

	const worker = async () => {
		while (!stopped && next < itemCount) {
			const itemIndex = next++;
			await runOne(itemIndex);
		}
	};

	if (options.firstAlone && itemCount > 0) await runOne(next++);
	const workers = Math.max(0, Math.min(options.concurrency, itemCount - next));
	await Promise.all(Array.from({ length: workers }, worker));

	if (!continueOnFail) {
		const first = errors.find((error) => error !== undefined);
		if (first) throw first;
	}
	return merge(results, errors, options);
}

function merge(
	results: Array<Routed | undefined>,
	errors: Array<NodeApiError | NodeOperationError | undefined>,
	options: BatchOptions,
): Routed {
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
export function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number): INodeExecutionData {
	return { json: { error: error.message }, error, pairedItem: { item: itemIndex } };
}

function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/** Wraps each output's JSON into items that point back at their input item. */
export function toRouted(outputs: Array<Array<Record<string, unknown>>>, itemIndex: number): Routed {
	return outputs.map((items) => {
		const data: INodeExecutionData[] = new Array(items.length);
		for (let i = 0; i < items.length; i++) {
			data[i] = { json: items[i] as INodeExecutionData['json'], pairedItem: { item: itemIndex } };
		}
		return data;
	});
}

/** A parameter's value as trimmed text: mapped values can be numbers, null or undefined. */
export function parameterText(value: unknown): string {
	if (value === undefined || value === null) return '';
	return (typeof value === 'string' ? value : String(value)).trim();
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

/** The longest ID the nodes send. Vendor IDs are a few dozen characters; more is a mapping mistake. */
export const MAX_ID_LENGTH = 256;

/**
 * What is wrong with an ID about to be sent, or undefined. IDs are sent encoded, so any printable
 * text is safe to send; control characters and very long values are refused because they are
 * always a mistake (a whole text field mapped instead of an ID, a line break carried along).
 */
export function checkIdentifier(value: string, label: string): string | undefined {
	if (value.length > MAX_ID_LENGTH) {
		return `The ${label} is ${value.length} characters long, more than the ${MAX_ID_LENGTH} an ID can have: check what is mapped into it`;
	}
	if (/[\u0000-\u001f\u007f]/.test(value)) {
		return `The ${label} contains a line break or another control character: check what is mapped into it`;
	}
	return undefined;
}
