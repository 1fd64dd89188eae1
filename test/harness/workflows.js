// @ts-check
/**
 * Builds the small workflows the tests run: a Manual Trigger whose pinned data are the input
 * items, wired to the node under test.
 */
const { PACKAGE } = require('./engine');

/**
 * @param {object} spec
 * @param {string} spec.type             short node type, e.g. "surepassStamp"
 * @param {string} spec.credentialType   e.g. "surepassApi"
 * @param {Record<string, unknown>} spec.parameters
 * @param {Array<Record<string, unknown>>} spec.items  the input items' JSON
 * @param {'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput'} [spec.onError]
 * @param {string} [spec.name]
 * @param {number} [spec.typeVersion]  the node's version (default 1)
 * @param {Record<string, unknown>} [spec.settings]  the workflow's settings
 * @returns {import('./engine').WorkflowJson}
 */
function singleNodeWorkflow(spec) {
	const name = spec.name ?? 'Node';
	/** @type {import('n8n-workflow').INode} */
	const node = {
		id: 'node-under-test',
		name,
		type: `${PACKAGE}.${spec.type}`,
		typeVersion: spec.typeVersion ?? 1,
		position: [200, 0],
		parameters: /** @type {import('n8n-workflow').INodeParameters} */ (spec.parameters),
		credentials: { [spec.credentialType]: { id: '1', name: 'Test credential' } },
	};
	if (spec.onError) node.onError = spec.onError;
	return {
		nodes: [
			{
				id: 'input',
				name: 'Input',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			node,
		],
		connections: { Input: { main: [[{ node: name, type: 'main', index: 0 }]] } },
		pinData: {
			Input: spec.items.map((json) => ({
				json: /** @type {import('n8n-workflow').IDataObject} */ (json),
			})),
		},
		settings: /** @type {import('n8n-workflow').IWorkflowSettings} */ (spec.settings ?? {}),
	};
}

/**
 * Surepass Stamp → Get Summary, one item per order (`{ id }` each), errors as items: the workflow
 * the rate-limit test and benchmark run.
 * @param {Array<Record<string, unknown>>} items
 * @param {Record<string, unknown>} [parameters] more node parameters (options, Wait for Completion)
 */
function orderSummaryWorkflow(items, parameters = {}) {
	return singleNodeWorkflow({
		type: 'surepassStamp',
		credentialType: 'surepassApi',
		name: 'Node',
		parameters: {
			resource: 'bulkStampOrder',
			operation: 'getSummary',
			bulkOrderId: '={{ $json.id }}',
			output: 'perOrder',
			...parameters,
		},
		items,
		onError: 'continueRegularOutput',
	});
}

/**
 * Interswitch Paycode → Get Status, the Reference ID from each item's `referenceId`, retries
 * without delay.
 * @param {Array<Record<string, unknown>>} items
 * @param {Record<string, unknown>} [parameters] more node parameters (output, options)
 * @param {'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput'} [onError]
 */
function batchStatusWorkflow(items, parameters = {}, onError) {
	return singleNodeWorkflow({
		type: 'interswitchPaycode',
		credentialType: 'interswitchPaycodeApi',
		name: 'Interswitch Paycode',
		parameters: {
			resource: 'bulkTokenBatch',
			operation: 'getStatus',
			referenceId: '={{ $json.referenceId }}',
			...parameters,
			options: { retryDelayMs: 1, .../** @type {object} */ (parameters.options) },
		},
		items,
		onError,
	});
}

module.exports = { singleNodeWorkflow, orderSummaryWorkflow, batchStatusWorkflow };
