/**
 * What the package relies on in n8n itself (nodes/shared/n8n.ts), checked against the n8n-workflow
 * and n8n-core this project tests with. Workflow-level behaviour that rests on them (a cancelled
 * run recorded as canceled, a rejected token renewed) is tested through the engine in
 * test/package/reliability.test.ts and test/nodes/InterswitchPaycode/getStatus.test.ts.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { ManualExecutionCancelledError } from 'n8n-workflow';

import {
	cancellationError,
	isToolExecution,
	lostErrorCode,
	sleep,
	statusErrors,
	withOverrides,
} from '../../../nodes/shared/n8n';

const contextFor = (node: Partial<INode>) =>
	({
		getNode: () => node as INode,
		getExecutionId: () => 'exec-1',
	}) as unknown as IExecuteFunctions;

describe('withOverrides', () => {
	test('answers with the overrides and falls through to the target for everything else; the target is untouched', () => {
		const target = { a: () => 1, b: () => 2, helpers: { x: 1 } };
		const scoped = withOverrides(target, { a: () => 10 });
		expect(scoped.a()).toBe(10);
		expect(scoped.b()).toBe(2);
		expect(scoped.helpers).toBe(target.helpers);
		expect(target.a()).toBe(1);
	});
});

describe('isToolExecution: n8n converts a node for AI agents into a type whose name ends in "Tool"', () => {
	test.each([
		['n8n-nodes-surepass-interswitch.surepassStampTool', true],
		['n8n-nodes-surepass-interswitch.interswitchPaycodeTool', true],
		['n8n-nodes-surepass-interswitch.surepassStamp', false],
		['CUSTOM.surepassStamp', false],
	])('%s: %s', (type, expected) => {
		expect(isToolExecution(contextFor({ type }))).toBe(expected);
	});
});

describe('cancellationError', () => {
	test("is n8n's ManualExecutionCancelledError, which n8n records as a canceled execution", () => {
		const error = cancellationError(contextFor({ type: 'x' }));
		expect(error).toBeInstanceOf(ManualExecutionCancelledError);
	});
});

describe('sleep', () => {
	test('an hour-long sleep ends as soon as its signal aborts', async () => {
		const controller = new AbortController();
		const slept = sleep(3_600_000, controller.signal);
		controller.abort();
		await expect(slept).rejects.toBeDefined();
	});

	test('a short sleep without a signal resolves', async () => {
		await expect(sleep(1)).resolves.toBeUndefined();
	});
});

describe('statusErrors', () => {
	test('every status is an answer, unless a 401 must throw so that n8n renews the credential: then every error status throws (no `except`, which n8n before 2.10 misreads)', () => {
		expect(statusErrors(false)).toBe(true);
		expect(statusErrors(true)).toBe(false);
	});
});

describe('lostErrorCode: n8n-workflow up to 2.0 drops the cause of the errors it wraps', () => {
	// The NodeApiError n8n-core's httpRequestWithAuthentication throws for a failed request, built
	// by n8n-workflow 1.112 (n8n 1.115) and by the n8n-workflow this project tests with.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const old = require('n8n-workflow-1.112') as typeof import('n8n-workflow');
	const node = { name: 'Node', type: 'x', typeVersion: 1, parameters: {} } as unknown as INode;
	const socketError = (code: string, message: string) =>
		Object.assign(new Error(message), { code, isAxiosError: true });

	test.each([
		['ECONNRESET', 'socket hang up', 'ECONNRESET'],
		['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'],
		['ENOTFOUND', 'getaddrinfo ENOTFOUND no-such-host.invalid', 'ENOTFOUND'],
		['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
		['HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/', 'HPE_INVALID_CONSTANT'],
	])('%s: the code is read back from what n8n 1.x kept', (code, message, expected) => {
		const wrapped = new old.NodeApiError(node, socketError(code, message) as never);
		// What n8n 1.x keeps: no cause, and for a known code its own sentence as the message.
		expect(wrapped.cause).toBeUndefined();
		expect(lostErrorCode(wrapped)).toBe(expected);
	});

	test('n8n-workflow 2.1 and later keep the cause, where the transport reads the code itself', () => {
		const { NodeApiError } = jest.requireActual<typeof import('n8n-workflow')>('n8n-workflow');
		const wrapped = new NodeApiError(node, socketError('ECONNRESET', 'socket hang up') as never);
		expect((wrapped.cause as { code?: string } | undefined)?.code).toBe('ECONNRESET');
	});

	test('a message with no network words gives no code', () => {
		expect(lostErrorCode(new Error('The Base URL uses plain http:// to example.com'))).toBe(
			undefined,
		);
	});
});
