import { describe, expect, it } from 'vitest';
import { currentMark, navSection } from './nav-section';

const LINKS = ['/', '/dashboard', '/quality', '/evaluations', '/batches', '/admin/users', '/admin/audit'];

describe('navSection', () => {
	it('is the link itself on a page of the bar', () => {
		expect(navSection('/quality', LINKS)).toBe('/quality');
		expect(navSection('/', LINKS)).toBe('/');
		expect(navSection('/admin/audit', LINKS)).toBe('/admin/audit');
	});

	it('is the enclosing section on a sub-page', () => {
		expect(navSection('/quality/alerts', LINKS)).toBe('/quality');
		expect(navSection('/quality/alerts/12', LINKS)).toBe('/quality');
		expect(navSection('/evaluations/settings', LINKS)).toBe('/evaluations');
		expect(navSection('/batches/3', LINKS)).toBe('/batches');
	});

	it('puts a staff member under 绩效考核', () => {
		expect(navSection('/staff/S001', LINKS)).toBe('/evaluations');
	});

	it('matches whole segments only, and never claims a page for the home link', () => {
		expect(navSection('/qualityx', LINKS)).toBeNull();
		expect(navSection('/nowhere/at/all', LINKS)).toBeNull();
	});

	it('is nothing when the section is not among the links the user has', () => {
		expect(navSection('/staff/S001', ['/', '/dashboard'])).toBeNull();
	});
});

describe('currentMark', () => {
	it('marks the page itself as the page and its section as current', () => {
		expect(currentMark('/quality', '/quality', '/quality')).toBe('page');
		expect(currentMark('/quality', '/quality/alerts', '/quality')).toBe('true');
		expect(currentMark('/dashboard', '/quality/alerts', '/quality')).toBeUndefined();
	});
});
