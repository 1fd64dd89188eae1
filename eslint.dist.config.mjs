// ESLint on the built package (dist/*.js): what n8n's community-package verification scans is the
// published JavaScript, so the same rule sets run on it, not only on the TypeScript sources.
import n8nCommunityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

export default [
	{ ignores: ['**/*.d.ts', '**/*.map'] },
	{
		files: ['dist/credentials/**/*.js'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: { sourceType: 'commonjs' },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Off for the reason given in eslint.config.mjs (a rule for n8n's own repository).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['dist/nodes/**/*.js'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		languageOptions: { sourceType: 'commonjs' },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Off for the reason given in eslint.config.mjs (the newer rule wants NodeConnectionTypes).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Off: it asks for a .node.ts file name, and built files are .node.js by definition.
			'n8n-nodes-base/node-filename-against-convention': 'off',
		},
	},
	{
		...n8nCommunityNodes.configs.recommended,
		files: ['dist/**/*.js'],
		languageOptions: { sourceType: 'commonjs' },
	},
];
