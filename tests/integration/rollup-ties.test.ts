import { tiesSuite } from '../helpers/ties';

/**
 * The upkeep first orders a phone's rows by their time alone (reading the ids that break ties costs a third of its
 * read) and again by time and id where two of them share a time (tests/helpers/ties.ts).
 */
tiesSuite('rows of one phone at one time, kept current in the order by id (by time first)');
