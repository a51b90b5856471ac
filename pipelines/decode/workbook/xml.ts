import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { Readable } from 'node:stream';
import { IngestFailure } from '$lib/shared/schema/errors';

/** A tag's name without its namespace prefix (`x:row` → `row`): generators differ in prefixes. */
export const local = (name: string) => name.slice(name.indexOf(':') + 1);

export interface XmlHandlers {
	open?: (name: string, attrs: Record<string, string>) => void;
	close?: (name: string) => void;
	text?: (t: string) => void;
}

function parser(h: XmlHandlers): SaxesParser {
	const p = new SaxesParser();
	if (h.open) p.on('opentag', (t: SaxesTagPlain) => h.open!(local(t.name), t.attributes as Record<string, string>));
	if (h.close) p.on('closetag', (t: SaxesTagPlain) => h.close!(local(t.name)));
	if (h.text) {
		p.on('text', h.text);
		p.on('cdata', h.text);
	}
	return p;
}

const damaged = (e: unknown) =>
	e instanceof IngestFailure
		? e
		: new IngestFailure('workbook_damaged', { detail: (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '' });

/** Parses a whole XML text. */
export function parseXml(text: string, h: XmlHandlers): void {
	try {
		parser(h).write(text).close();
	} catch (e) {
		throw damaged(e);
	}
}

/** Parses an XML stream; `stop()` from a handler ends the reading early (the rest is not inflated). */
export async function parseXmlStream(stream: Readable, h: (stop: () => void) => XmlHandlers): Promise<void> {
	let stopped = false;
	const p = parser(h(() => (stopped = true)));
	const decoder = new TextDecoder('utf-8');
	try {
		for await (const chunk of stream) {
			p.write(decoder.decode(chunk as Buffer, { stream: true }));
			if (stopped) break;
		}
		if (!stopped) p.write(decoder.decode()).close();
	} catch (e) {
		throw damaged(e);
	} finally {
		stream.destroy();
	}
}

/** Excel's escape of characters XML cannot hold (`_x000D_`), and its line breaks as LF. */
export const cellText = (s: string) =>
	s.replace(/_x([0-9A-Fa-f]{4})_/gu, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\r\n?/gu, '\n');
