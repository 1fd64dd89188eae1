// @ts-check
/** n8n's REST API as the end-to-end scripts use it: the owner's session, JSON calls, executions. */

const OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2e-Passw0rd-Example' };

/** Sets the owner account up on a fresh instance and returns the session cookie. */
async function ownerSession(/** @type {string} */ url) {
	let response = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
	if (!response.ok) {
		response = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
	}
	if (!response.ok) throw new Error(`could not sign in to n8n: HTTP ${response.status} ${await response.text()}`);
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
	if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
	return JSON.parse(text);
}

/** @param {string} url @param {string} cookie @param {string} id @param {number} [timeoutMs] */
async function waitForExecution(url, cookie, id, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const { data } = await api(url, cookie, 'GET', `/rest/executions/${id}`);
		if (data && data.status !== 'running' && data.status !== 'new' && data.data) return data;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`execution ${id} did not finish`);
}

module.exports = { OWNER, ownerSession, api, waitForExecution };
