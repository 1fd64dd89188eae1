// @ts-check
/**
 * Runs workflow JSON through n8n's own engine (n8n-core `WorkflowExecute`) in this process.
 *
 * The credentials helper does what n8n's server does with a credential type: it applies the
 * type's real `authenticate` (the generic form through n8n's expression engine, the function form
 * as it is), runs `preAuthentication` for an expirable hidden field and stores what it returns, as
 * n8n stores it in its database. Nodes from n8n-nodes-base that example workflows use (Manual
 * Trigger, No Operation) have small stand-ins here, since that package is not a dependency.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

if (!process.env.N8N_USER_FOLDER) {
	// n8n-core reads (or else writes) an encryption key under the user folder: never the real home.
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-'));
	fs.mkdirSync(path.join(folder, '.n8n'));
	const key = require('node:crypto').randomBytes(24).toString('base64');
	fs.writeFileSync(path.join(folder, '.n8n', 'config'), JSON.stringify({ encryptionKey: key }), {
		mode: 0o600,
	});
	process.env.N8N_USER_FOLDER = folder;
}

const {
	WorkflowExecute,
	ExecutionLifecycleHooks,
	ExecuteContext,
	RoutingNode,
	DataDeduplicationService,
} = require('n8n-core');
const {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	isExpression,
} = require('n8n-workflow');
// n8n-core's own logger comes from its DI container; resolved from n8n-core, which depends on them.
const fromCore = (/** @type {string} */ id) =>
	require(require.resolve(id, { paths: [path.dirname(require.resolve('n8n-core'))] }));
const { Container } = fromCore('@n8n/di');
const { Logger } = fromCore('@n8n/backend-common');

/** @typedef {import('n8n-workflow').INodeType} INodeType */
/** @typedef {import('n8n-workflow').ICredentialType} ICredentialType */
/** @typedef {import('n8n-workflow').ICredentialDataDecryptedObject} CredentialData */
/** @typedef {import('n8n-workflow').INodeExecutionData} INodeExecutionData */
/** @typedef {import('n8n-workflow').IRun} IRun */

/** A stand-in for n8n-nodes-base.manualTrigger: emits its pinned items, or one empty item. */
const manualTrigger = /** @type {INodeType} */ ({
	description: {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: '',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		return [[{ json: {} }]];
	},
});

/** A stand-in for n8n-nodes-base.noOp: passes its items on. */
const noOp = /** @type {INodeType} */ ({
	description: {
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: '',
		defaults: { name: 'No Operation' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute() {
		return [this.getInputData()];
	},
});

/**
 * A stand-in for a messaging node (Send Email, Slack): sends nothing, passes its items on, so
 * an example can run end to end on this machine. `npm start` says so where it prints them.
 * @param {string} name @returns {INodeType}
 */
function messagingStandIn(name) {
	return /** @type {INodeType} */ ({
		description: { ...noOp.description, displayName: `${name} (stand-in: sends nothing)`, name },
		execute: noOp.execute,
	});
}

/** The node types of n8n-nodes-base that stand in as messaging nodes here. */
const MESSAGING = ['n8n-nodes-base.emailSend', 'n8n-nodes-base.slack'];

const PACKAGE = 'n8n-nodes-surepass-interswitch';

class NodeTypes {
	/** @param {Record<string, INodeType>} types by full type name */
	constructor(types) {
		this.types = types;
	}
	/** @param {string} name */
	getByName(name) {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type "${name}" in the test harness`);
		return type;
	}
	/** @param {string} name @param {number} [version] */
	getByNameAndVersion(name, version) {
		return NodeHelpers.getVersionedNodeType(this.getByName(name), version);
	}
	getKnownTypes() {
		return {};
	}
}

/**
 * A stored credential as n8n hands it to a node: every field of the type, missing ones at their
 * default, those hidden by displayOptions left out (NodeHelpers.getNodeParameters, as n8n's
 * CredentialsHelper.applyDefaultsAndOverwrites calls it in every release from 1.115 to 2.41).
 * @param {ICredentialType} type @param {CredentialData} data @returns {CredentialData}
 */
function withDefaults(type, data) {
	return /** @type {CredentialData} */ (
		NodeHelpers.getNodeParameters(
			type.properties,
			/** @type {any} */ ({ ...data }),
			true,
			false,
			null,
			null,
		)
	);
}

/**
 * Holds credentials like n8n's database does and applies credential types like n8n's server.
 */
class CredentialsHelper extends ICredentialsHelper {
	/**
	 * @param {ICredentialType[]} credentialTypes
	 * @param {Record<string, CredentialData>} store credential data by type name
	 */
	constructor(credentialTypes, store) {
		super();
		/** @type {Map<string, ICredentialType>} */
		this.types = new Map(credentialTypes.map((type) => [type.name, type]));
		this.store = store;
		/** how often preAuthentication ran, by type */
		/** @type {Record<string, number>} */
		this.preAuthenticationCalls = {};
	}

	/** @param {string} name */
	type(name) {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}" in the test harness`);
		return type;
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	/** @param {string} typeName */
	getCredentialsProperties(typeName) {
		return this.type(typeName).properties;
	}

	/**
	 * @param {CredentialData} credentials
	 * @param {string} typeName
	 * @param {import('n8n-workflow').IHttpRequestOptions} requestOptions
	 * @param {import('n8n-workflow').Workflow} [workflow]
	 * @param {import('n8n-workflow').INode} [node]
	 */
	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate && authenticate.type === 'generic') {
			if (!workflow || !node) throw new Error('generic authentication needs the workflow and node');
			/** @type {Record<string, any>} */
			const options = requestOptions;
			for (const [outerKey, pairs] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(pairs ?? {})) {
					const resolve = (/** @type {unknown} */ text) =>
						typeof text === 'string' && isExpression(text)
							? String(
									workflow.expression.getSimpleParameterValue(
										node,
										text,
										'internal',
										{ $credentials: credentials },
										undefined,
										'',
									) ?? '',
								)
							: String(text);
					options[outerKey] ??= {};
					options[outerKey][resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions;
	}

	/**
	 * n8n's rule: run the type's preAuthentication when its expirable hidden field is empty or the
	 * caller says the credential expired, then store what it returned.
	 * @param {import('n8n-workflow').IHttpRequestHelper} helpers
	 * @param {CredentialData} credentials
	 * @param {string} typeName
	 * @param {import('n8n-workflow').INode} _node
	 * @param {boolean} credentialsExpired
	 */
	async preAuthentication(helpers, credentials, typeName, _node, credentialsExpired) {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (
			credentials[expirable.name] !== '' &&
			credentials[expirable.name] !== undefined &&
			!credentialsExpired
		)
			return undefined;
		this.preAuthenticationCalls[typeName] = (this.preAuthenticationCalls[typeName] ?? 0) + 1;
		// n8n hands preAuthentication only `helpers.httpRequest` (its restrictToCredentialDomains),
		// not the node's whole helpers object: the same here, so nothing else can be relied on.
		const restricted = {
			helpers: {
				httpRequest: (/** @type {any} */ options) => helpers.helpers.httpRequest(options),
			},
		};
		const output = await type.preAuthentication.call(/** @type {any} */ (restricted), credentials);
		if (output[expirable.name] === undefined) return undefined;
		this.store[typeName] = /** @type {CredentialData} */ ({ ...this.store[typeName], ...output });
		return Object.assign(credentials, output);
	}

	async runPreAuthentication() {
		return undefined;
	}

	/** @param {unknown} _additionalData @param {unknown} _nodeCredentials @param {string} type */
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		const data = this.store[type];
		if (!data) throw new Error(`No credential of type "${type}" was given to the test harness`);
		// A fresh copy each time, as n8n decrypts a fresh copy from its database, then fills each
		// missing field with its default and drops the fields its displayOptions hide, as n8n's
		// CredentialsHelper.applyDefaultsAndOverwrites does.
		return withDefaults(this.type(type), data);
	}

	/** @returns {Promise<any>} */
	async getCredentials() {
		throw new Error('not used by the harness');
	}

	/** @param {unknown} _nodeCredentials @param {string} type @param {CredentialData} data */
	async updateCredentials(_nodeCredentials, type, data) {
		this.store[type] = { ...data };
	}

	async updateCredentialsOauthTokenData() {}

	getOAuth2Options() {
		return undefined;
	}
}

/**
 * Collects what nodes and n8n-core log, so tests can check that no secret reaches a log line, and
 * prints nothing unless asked: HARNESS_LOG=1 in the environment, or `harness.logger.echo = true`
 * in a test. It replaces n8n's own (winston) logger in n8n-core's DI container, which n8n-core
 * would otherwise create on its first error and make the logger of every node from then on.
 */
class CapturingLogger {
	constructor() {
		/** @type {string[]} */
		this.lines = [];
		this.echo = process.env.HARNESS_LOG === '1';
	}
	/** @param {string} level @param {string} message @param {unknown} [meta] */
	push(level, message, meta) {
		let extra = '';
		try {
			extra = meta === undefined ? '' : ` ${JSON.stringify(meta)}`;
		} catch {
			extra = ' [unserialisable meta]';
		}
		const line = `${level}: ${message}${extra}`;
		this.lines.push(line);
		if (this.echo) process.stderr.write(`${line}\n`);
	}
	/** @param {string} m @param {unknown} [x] */ error(m, x) {
		this.push('error', m, x);
	}
	/** @param {string} m @param {unknown} [x] */ warn(m, x) {
		this.push('warn', m, x);
	}
	/** @param {string} m @param {unknown} [x] */ info(m, x) {
		this.push('info', m, x);
	}
	/** @param {string} m @param {unknown} [x] */ debug(m, x) {
		this.push('debug', m, x);
	}
	/** @returns {any} */ scoped() {
		return this;
	}
}

const logger = new CapturingLogger();
LoggerProxy.init(/** @type {any} */ (logger));
Container.set(Logger, logger);

/**
 * n8n's deduplication store (`helpers.checkProcessedAndRecord`, what the Remove Duplicates node
 * uses) kept in memory, with the semantics of n8n's own database-backed one in 'entries' mode
 * (n8n/dist/deduplication/deduplication-helper.js): one list of MD5 hashes per workflow and node,
 * trimmed to `maxEntries`, oldest first. `npm run test:e2e` uses n8n's real one.
 */
class MemoryDeduplicator {
	constructor() {
		/** @type {Map<string, string[]>} */
		this.stores = new Map();
	}
	/** @param {string} scope @param {{ workflow: { id?: string }, node?: { id: string } }} context */
	key(scope, context) {
		return `${context.workflow.id}|${scope === 'node' ? `n:${context.node?.id}` : ''}`;
	}
	/** @param {unknown} value */
	static hash(value) {
		return require('node:crypto').createHash('md5').update(String(value)).digest('base64');
	}
	/** @param {Array<string | number>} items @param {string} scope @param {any} context @param {{ maxEntries?: number }} options */
	async checkProcessedAndRecord(items, scope, context, options) {
		// As n8n's own: the record belongs to a saved workflow.
		assert.ok(context.workflow.id);
		const key = this.key(scope, context);
		const hashed = items.map(MemoryDeduplicator.hash);
		const stored = this.stores.get(key);
		if (!stored) {
			const kept = options.maxEntries
				? hashed.slice(Math.max(0, hashed.length - options.maxEntries))
				: hashed;
			this.stores.set(key, kept);
			return { new: items, processed: [] };
		}
		const known = new Set(stored);
		/** @type {{ new: Array<string | number>, processed: Array<string | number> }} */
		const result = { new: [], processed: [] };
		hashed.forEach((hash, index) => {
			if (known.has(hash)) result.processed.push(items[index]);
			else {
				result.new.push(items[index]);
				stored.push(hash);
			}
		});
		if (options.maxEntries) stored.splice(0, Math.max(0, stored.length - options.maxEntries));
		return result;
	}
	/** @param {Array<string | number>} items @param {string} scope @param {any} context */
	async removeProcessed(items, scope, context) {
		const stored = this.stores.get(this.key(scope, context)) ?? [];
		for (const hash of items.map(MemoryDeduplicator.hash)) {
			const at = stored.indexOf(hash);
			if (at >= 0) stored.splice(at, 1);
		}
	}
	/** @param {string} scope @param {any} context */
	async clearAllProcessedItems(scope, context) {
		this.stores.delete(this.key(scope, context));
	}
	/** @param {string} scope @param {any} context */
	async getProcessedDataCount(scope, context) {
		return this.stores.get(this.key(scope, context))?.length ?? 0;
	}
}

const changeStore = new MemoryDeduplicator();
void DataDeduplicationService.init(changeStore);

function additionalDataFor(
	/** @type {CredentialsHelper} */ credentialsHelper,
	/** @type {ExecutionLifecycleHooks} */ hooks,
) {
	return /** @type {import('n8n-workflow').IWorkflowExecuteAdditionalData} */ (
		/** @type {unknown} */ ({
			hooks,
			credentialsHelper,
			executeWorkflow: async () => {
				throw new Error('sub-workflows are not supported by the test harness');
			},
			restApiUrl: 'http://localhost:5678/rest',
			instanceBaseUrl: 'http://localhost:5678/',
			formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
			webhookBaseUrl: 'http://localhost:5678/webhook',
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
			currentNodeParameters: undefined,
			executionTimeoutTimestamp: undefined,
			userId: 'harness-user',
			variables: {},
			logAiEvent: () => {},
			getRunExecutionData: async () => undefined,
			startRunnerTask: async () => {
				throw new Error('task runners are not supported by the test harness');
			},
		})
	);
}

/**
 * @typedef {object} Harness
 * @property {(workflow: WorkflowJson, options?: RunOptions) => Promise<RunResult>} run
 * @property {(typeName: string, data: CredentialData) => Promise<{ status: string, message: string }>} testCredential
 * @property {CapturingLogger} logger
 * @property {MemoryDeduplicator} changeStore n8n's deduplication store, in memory
 * @property {() => Promise<number>} cancelRunning cancels every run still going and waits for each to end; returns how many there were
 *
 * @typedef {{ name?: string, nodes: import('n8n-workflow').INode[], connections: import('n8n-workflow').IConnections, pinData?: Record<string, INodeExecutionData[]>, settings?: import('n8n-workflow').IWorkflowSettings }} WorkflowJson
 * @typedef {{ credentials?: Record<string, CredentialData>, abortSignal?: AbortSignal, workflowId?: string | null, mode?: import('n8n-workflow').WorkflowExecuteMode }} RunOptions
 *   mode: 'manual' (a test run in the editor) unless said; 'trigger' runs as a schedule would
 * @typedef {{ run: IRun, credentialsHelper: CredentialsHelper, outputs: (nodeName: string) => INodeExecutionData[][], outputNames: (nodeName: string) => string[], error: unknown }} RunResult
 */

/**
 * @param {{ nodeTypes: Record<string, INodeType>, credentialTypes: ICredentialType[] }} packageTypes
 *   our node types by short name (surepassStamp) and our credential types
 * @returns {Harness}
 */
function createHarness(packageTypes) {
	/** @type {Record<string, INodeType>} */
	const types = {
		'n8n-nodes-base.manualTrigger': manualTrigger,
		'n8n-nodes-base.noOp': noOp,
		...Object.fromEntries(MESSAGING.map((type) => [type, messagingStandIn(type.split('.')[1])])),
	};
	for (const [name, type] of Object.entries(packageTypes.nodeTypes)) {
		types[`${PACKAGE}.${name}`] = type;
		// n8n's tool version of a node (usableAsTool): the same code under the type name "<name>Tool".
		// n8n also rewires its outputs to the agent; here it runs in a plain workflow, which is
		// enough to check what its execute returns.
		if (type.description.usableAsTool) types[`${PACKAGE}.${name}Tool`] = type;
	}
	const nodeTypes = new NodeTypes(types);

	/** Runs not finished yet, so that a test that ends early (a timeout) cannot leave one going. */
	/** @type {Set<{ cancel: () => void, done: Promise<unknown> }>} */
	const active = new Set();

	return {
		logger,
		changeStore,
		async cancelRunning() {
			const leftovers = [...active];
			for (const run of leftovers) run.cancel();
			await Promise.allSettled(leftovers.map((run) => run.done));
			return leftovers.length;
		},
		async run(workflowJson, options = {}) {
			const credentialsHelper = new CredentialsHelper(packageTypes.credentialTypes, {
				...options.credentials,
			});
			const workflow = new Workflow({
				// null: a workflow that was never saved (it has no ID).
				id: options.workflowId === null ? undefined : (options.workflowId ?? 'harness'),
				name: workflowJson.name ?? 'harness',
				nodes: workflowJson.nodes,
				connections: workflowJson.connections,
				active: false,
				nodeTypes,
				settings: workflowJson.settings ?? {},
				pinData: workflowJson.pinData,
			});
			const mode = options.mode ?? 'manual';
			const hooks = new ExecutionLifecycleHooks(
				mode,
				'harness-execution',
				/** @type {any} */ ({
					id: 'harness',
					name: 'harness',
					nodes: workflowJson.nodes,
					connections: workflowJson.connections,
					active: false,
					settings: {},
				}),
			);
			const execute = new WorkflowExecute(additionalDataFor(credentialsHelper, hooks), mode);
			const start = workflowJson.nodes.find((node) =>
				types[node.type]?.description.group.includes('trigger'),
			);
			if (!start) throw new Error('The workflow has no trigger node to start from');
			const running = execute.run({ workflow, startNode: start, pinData: workflowJson.pinData });
			if (options.abortSignal) {
				options.abortSignal.addEventListener('abort', () => running.cancel(), { once: true });
			}
			const tracked = {
				cancel: () => running.cancel(),
				done: Promise.resolve(running).catch(() => undefined),
			};
			active.add(tracked);
			/** @type {IRun} */
			let run;
			try {
				run = await running;
			} finally {
				active.delete(tracked);
			}
			return {
				run,
				credentialsHelper,
				error: run.data.resultData.error,
				outputs(nodeName) {
					const task = run.data.resultData.runData[nodeName]?.[0];
					return /** @type {INodeExecutionData[][]} */ (task?.data?.main ?? []);
				},
				outputNames(nodeName) {
					// As n8n computes them: a node's outputs may be an expression of its parameters.
					const node = workflow.getNode(nodeName);
					const type = node && nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
					if (!node || !type) return [];
					return NodeHelpers.getNodeOutputs(workflow, node, type.description).map(
						(output, index) =>
							typeof output === 'string'
								? `Output ${index + 1}`
								: (output.displayName ?? `Output ${index + 1}`),
					);
				},
			};
		},

		/**
		 * Runs a credential type's declarative test the way n8n's credentials tester does: the
		 * request goes through n8n-core's RoutingNode with the credential, then the rules decide.
		 */
		async testCredential(typeName, data) {
			const credentialsHelper = new CredentialsHelper(packageTypes.credentialTypes, {
				[typeName]: { ...data },
			});
			const type = credentialsHelper.type(typeName);
			if (!type.test) throw new Error(`${typeName} has no declarative test`);
			const testType = /** @type {INodeType} */ ({
				description: {
					displayName: 'Temp',
					name: 'temp',
					group: ['transform'],
					version: 1,
					description: '',
					defaults: { name: 'Temp' },
					inputs: ['main'],
					outputs: ['main'],
					credentials: [{ name: typeName, required: true }],
					properties: [
						{
							displayName: 'Temp',
							name: 'temp',
							type: 'string',
							default: '',
							routing: { request: type.test.request },
						},
					],
				},
			});
			const node = {
				id: 'temp',
				name: 'Temp-Node',
				type: 'temp',
				typeVersion: 1,
				position: /** @type {[number, number]} */ ([0, 0]),
				parameters: {},
				credentials: { [typeName]: { id: 'temp', name: 'temp' } },
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: new NodeTypes({ temp: testType }),
			});
			const hooks = new ExecutionLifecycleHooks(
				'internal',
				'credential-test',
				/** @type {any} */ ({ id: 't', nodes: [], connections: {} }),
			);
			const context = new ExecuteContext(
				workflow,
				node,
				additionalDataFor(credentialsHelper, hooks),
				'internal',
				/** @type {any} */ ({ resultData: { runData: {} } }),
				0,
				[],
				{ main: [[{ json: {} }]] },
				{ node, data: {}, source: null },
				[],
			);
			const routing = new RoutingNode(context, testType, {
				id: 'temp',
				name: 'temp',
				type: typeName,
				data: withDefaults(type, data),
			});
			/** @type {any} */
			let response;
			try {
				response = await routing.runNode();
			} catch (error) {
				const cause = /** @type {any} */ (error).cause;
				if (cause?.response) {
					const statusCode = cause.response.status;
					for (const rule of type.test.rules ?? []) {
						if (rule.type === 'responseCode' && rule.properties.value === statusCode) {
							return { status: 'Error', message: rule.properties.message };
						}
					}
					if (statusCode < 199 || statusCode > 299) {
						return {
							status: 'Error',
							message: cause.response.statusText || `Received HTTP status code: ${statusCode}`,
						};
					}
				} else if (cause?.code) {
					return { status: 'Error', message: cause.code };
				}
				return { status: 'Error', message: String(/** @type {Error} */ (error).message) };
			}
			for (const rule of type.test.rules ?? []) {
				if (rule.type === 'responseSuccessBody') {
					const value = rule.properties.key
						.split('.')
						.reduce((/** @type {any} */ at, key) => at?.[key], response?.[0]?.[0]?.json);
					if (value === rule.properties.value)
						return { status: 'Error', message: rule.properties.message };
				}
			}
			return { status: 'OK', message: 'Connection successful!' };
		},
	};
}

module.exports = {
	MESSAGING,
	createHarness,
	PACKAGE,
	CredentialsHelper,
	NodeTypes,
};
