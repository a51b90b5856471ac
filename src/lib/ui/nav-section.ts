/**
 * Pages that live under another section than their path says: a staff member's page is part of 绩效考核.
 * Keyed by the path's first segment.
 */
const SECTION_OF: Readonly<Record<string, string>> = {
	'/staff': '/evaluations'
};

const within = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

/**
 * The navigation link a path belongs to: the link itself, else the longest link whose path contains it
 * (`/quality/alerts/7` → `/quality`), else its section by SECTION_OF. `/` matches only itself.
 */
export function navSection(path: string, hrefs: readonly string[]): string | null {
	if (hrefs.includes(path)) return path;
	const first = `/${path.split('/')[1] ?? ''}`;
	const candidates = [path, SECTION_OF[first] ? SECTION_OF[first] + path.slice(first.length) : null];
	for (const p of candidates) {
		if (!p) continue;
		const best = hrefs.filter((h) => h !== '/' && within(p, h)).sort((a, b) => b.length - a.length)[0];
		if (best) return best;
	}
	return null;
}

/** aria-current for a navigation link: `page` on the page itself, `true` on the section of a sub-page. */
export function currentMark(href: string, path: string, section: string | null): 'page' | 'true' | undefined {
	if (href === path) return 'page';
	return href === section ? 'true' : undefined;
}
