/**
 * Every place where this package relies on how n8n itself behaves beyond the documented node API,
 * in one module: when n8n changes, this is the file to read. Each export says what it relies on.
 * test/nodes/shared/n8n.test.ts checks each against the n8n-core and n8n-workflow this project
 * tests with.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import {
	ManualExecutionCancelledError,
	NodeConnectionTypes,
	sleep as n8nSleep,
} from 'n8n-workflow';

/** The main connection type, for `inputs` and `outputs`. */
export const MAIN = NodeConnectionTypes.Main;

/**
 * An object that answers like `target` except for `overrides`: how the package gives one item, one
 * attempt or one tool run its own cancel signal, helpers or error mode. n8n's helpers read what they
 * need from `this` (httpRequestWithAuthentication takes the abort signal from
 * `this.getExecutionCancelSignal()` and hands `this.helpers` to the credential's preAuthentication),
 * so a context built this way is honoured by them.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
	const descriptors: PropertyDescriptorMap = {};
	for (const [key, value] of Object.entries(overrides)) descriptors[key] = { value };
	return Object.create(target, descriptors) as T;
}

/** A node runs as an AI tool when n8n has converted it: its type name then ends in "Tool". */
export function isToolExecution(ctx: IExecuteFunctions): boolean {
	const type = ctx.getNode().type;
	return (type.split('.').pop() ?? '').endsWith('Tool');
}

/** The error that makes n8n record an execution as canceled rather than failed. */
export function cancellationError(ctx: IExecuteFunctions): Error {
	return new ManualExecutionCancelledError(ctx.getExecutionId());
}

/** Waits `ms`; rejects when `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	await n8nSleep(ms, signal);
}

/**
 * `ignoreHttpStatusErrors` for one request: every status comes back as an answer, except 401 when
 * `renewOn401` is set. httpRequestWithAuthentication runs the credential's preAuthentication again
 * (renews the token) when the request throws a 401, so letting the 401 throw is how a rejected
 * token gets renewed.
 */
export function statusErrors(renewOn401: boolean): IHttpRequestOptions['ignoreHttpStatusErrors'] {
	return renewOn401 ? { ignore: true, except: [401] } : true;
}
