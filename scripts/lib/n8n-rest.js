// @ts-check
/** n8n's REST API as the end-to-end scripts use it: the owner's session, JSON calls, executions. */

const OWNER = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd-Example',
};

/** Sets the owner account up on a fresh instance and returns the session cookie. */
async function ownerSession(/** @type {string} */ url) {
	let response = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	if (!response.ok) {
		response = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
	}
	if (!response.ok)
		throw new Error(`could not sign in to n8n: HTTP ${response.status} ${await response.text()}`);
	return (response.headers.getSetCookie?.() ?? []).map((cookie) => cookie.split(';')[0]).join('; ');
}

/** @param {string} url @param {string} cookie @param {string} method @param {string} route @param {unknown} [body] */
async function api(url, cookie, method, route, body) {
	const response = await fetch(`${url}${route}`, {
		method,
		headers: { cookie, 'content-type': 'application/json', 'browser-id': 'e2e' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok)
		throw new Error(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
	return JSON.parse(text);
}

/** @param {string} url @param {string} cookie @param {string} id @param {number} [timeoutMs] */
async function waitForExecution(url, cookie, id, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const { data } = await api(url, cookie, 'GET', `/rest/executions/${id}`);
		// n8n 1.x can report an execution finished a moment before its data is saved ("[]").
		if (
			data &&
			data.status !== 'running' &&
			data.status !== 'new' &&
			data.data &&
			data.data !== '[]'
		)
			return data;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`execution ${id} did not finish`);
}

/**
 * A production webhook that answers at once with the execution's ID (the script then follows the
 * execution through the REST API): the first two nodes of both workflows.
 * @param {string} prefix @param {string} webhookPath @param {string} webhookId
 */
function webhookAnswering(prefix, webhookPath, webhookId) {
	return [
		{
			id: `${prefix}1`,
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId,
			parameters: {
				httpMethod: 'POST',
				path: webhookPath,
				responseMode: 'responseNode',
				options: {},
			},
		},
		{
			id: `${prefix}2`,
			name: 'Answer with the execution ID',
			type: 'n8n-nodes-base.respondToWebhook',
			typeVersion: 1.1,
			position: [200, 0],
			parameters: {
				respondWith: 'json',
				responseBody:
					'={{ JSON.stringify({ executionId: $execution.id, runId: $json.body.runId }) }}',
				options: {},
			},
		},
	];
}

/** Activates a workflow whose trigger is a production webhook, and waits until n8n serves it. */
async function activateWebhookWorkflow(
	/** @type {string} */ url,
	/** @type {string} */ cookie,
	/** @type {string} */ id,
	/** @type {string} */ webhookPath,
) {
	const full = (await api(url, cookie, 'GET', `/rest/workflows/${id}`)).data;
	if (!full.active)
		await api(url, cookie, 'POST', `/rest/workflows/${id}/activate`, { versionId: full.versionId });
	await webhookServed(url, webhookPath);
}

/**
 * Waits until n8n serves a production webhook (registered shortly after activation or start-up): a
 * GET to it says "not registered for GET requests" once it is there for POST, and starts nothing.
 */
async function webhookServed(
	/** @type {string} */ url,
	/** @type {string} */ webhookPath,
	timeoutMs = 60_000,
) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const probe = await (await fetch(`${url}/webhook/${webhookPath}`)).text();
		if (/not registered for GET requests/.test(probe)) return;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n does not serve the webhook ${webhookPath}`);
}

module.exports = {
	OWNER,
	ownerSession,
	api,
	waitForExecution,
	webhookAnswering,
	activateWebhookWorkflow,
	webhookServed,
};
