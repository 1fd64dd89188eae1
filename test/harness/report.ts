/**
 * Report sections of the README that tests generate from their own results. A section sits
 * between `<!-- name:start -->` and `<!-- name:end -->`; the test fails when the README says
 * something else than the run, and `UPDATE_REPORT=1 npm test` writes the run's section in.
 */
import fs from 'fs';
import path from 'path';

const README = path.join(__dirname, '..', '..', 'README.md');
const RESULTS = path.join(__dirname, '..', 'results');

export function reportSection(name: string, content: string): void {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const block = `${start}\n${content.trim()}\n${end}`;
	fs.mkdirSync(RESULTS, { recursive: true });
	fs.writeFileSync(path.join(RESULTS, `${name}.md`), `${content.trim()}\n`);
	process.stdout.write(`\n${content.trim()}\n`);
	const readme = fs.readFileSync(README, 'utf8');
	const from = readme.indexOf(start);
	const to = readme.indexOf(end);
	if (process.env.UPDATE_REPORT === '1') {
		if (from < 0 || to < 0) throw new Error(`README.md has no ${start} … ${end} markers`);
		fs.writeFileSync(README, readme.slice(0, from) + block + readme.slice(to + end.length));
		return;
	}
	const current = from >= 0 && to >= 0 ? readme.slice(from, to + end.length) : '(no section)';
	if (current !== block) {
		throw new Error(
			`README.md's "${name}" section differs from what this run found. Run \`UPDATE_REPORT=1 npm test\` and commit the README.\n\nThis run:\n${content}`,
		);
	}
}

/** Stable text for a report: the emulator's random port replaced. */
export function stable(text: string): string {
	return text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>').replace(/\|/g, '\\|');
}
