// Copies what n8n reads next to the compiled files: the icons (`file:` icons are resolved from the
// compiled node's folder) and the codex files (`<Node>.node.json`, categories and aliases).
//
// `npm run build` is `n8n-node build` (n8n's node tool, strict mode), which does this job itself:
// it copies the icons, and tsc copies the codex files (tsconfig.json includes them). This task
// remains for a build made with tsc alone: `npm run build:watch` (tsc --watch) runs it first.
const path = require('node:path');
const { task, src, dest, parallel } = require('gulp');

function copyNodeAssets() {
	return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json'], { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
}

function copyCredentialAssets() {
	return src('credentials/**/*.{png,svg}', { encoding: false, allowEmpty: true }).pipe(
		dest(path.resolve('dist', 'credentials')),
	);
}

task('build:icons', parallel(copyNodeAssets, copyCredentialAssets));
