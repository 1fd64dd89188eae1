// @ts-check
/** Loads the built node and credential types the way n8n does: from the paths in package.json. */
const path = require('node:path');
const pkg = require('../../package.json');

/** @param {string} distDir */
function loadPackage(distDir) {
	const root = path.dirname(distDir);
	/** @type {Record<string, import('n8n-workflow').INodeType>} */
	const nodeTypes = {};
	for (const file of pkg.n8n.nodes) {
		const mod = require(path.join(root, file));
		for (const Type of Object.values(mod)) {
			const instance = new /** @type {any} */ (Type)();
			nodeTypes[instance.description.name] = instance;
		}
	}
	/** @type {import('n8n-workflow').ICredentialType[]} */
	const credentialTypes = [];
	for (const file of pkg.n8n.credentials) {
		const mod = require(path.join(root, file));
		for (const Type of Object.values(mod)) {
			if (typeof Type === 'function') credentialTypes.push(new /** @type {any} */ (Type)());
		}
	}
	return { nodeTypes, credentialTypes };
}

module.exports = { loadPackage };
