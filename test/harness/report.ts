/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- tests may read files, start servers and processes, wait on timers and use made-up secrets: n8n Cloud's rules are for what ships (nodes/, credentials/). */
/**
 * Report sections of the guides in docs/ that tests generate from their own results. A section
 * sits between `<!-- name:start -->` and `<!-- name:end -->` in whichever guide holds the markers;
 * the test fails when the guide says something else than the run, and `UPDATE_REPORT=1 npm test`
 * writes the run's section in.
 */
import fs from 'fs';
import path from 'path';

const DOCS = path.join(__dirname, '..', '..', 'docs');

/** The guide in docs/ that holds a section's markers. */
function guideWith(start: string): string {
	for (const file of fs.readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
		const full = path.join(DOCS, file);
		if (fs.readFileSync(full, 'utf8').includes(start)) return full;
	}
	throw new Error(`no guide in docs/ has the ${start} marker`);
}
const RESULTS = path.join(__dirname, '..', 'results');

export function reportSection(name: string, content: string): void {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const block = `${start}\n${content.trim()}\n${end}`;
	fs.mkdirSync(RESULTS, { recursive: true });
	fs.writeFileSync(path.join(RESULTS, `${name}.md`), `${content.trim()}\n`);
	process.stdout.write(`\n${content.trim()}\n`);
	const guide = guideWith(start);
	const shown = `docs/${path.basename(guide)}`;
	const readme = fs.readFileSync(guide, 'utf8');
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (process.env.UPDATE_REPORT === '1') {
		if (from < 0 || to < 0) throw new Error(`${shown} has no ${start} … ${end} markers`);
		fs.writeFileSync(guide, readme.slice(0, from) + block + readme.slice(to + end.length));
		return;
	}
	const current = from >= 0 && to >= 0 ? readme.slice(from, to + end.length) : '(no section)';
	if (current !== block) {
		throw new Error(
			`${shown}'s "${name}" section differs from what this run found. Run \`UPDATE_REPORT=1 npm test\` and commit ${shown}.\n\nThis run:\n${content}`,
		);
	}
}

/** Stable text for a report: the emulator's random port replaced. */
export function stable(text: string): string {
	return text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replace(/\|/g, '\\|');
}
