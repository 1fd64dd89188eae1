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
