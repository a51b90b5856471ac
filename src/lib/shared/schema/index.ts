import { appraisals } from './appraisals';
import { complaints } from './complaints';
import { contacts } from './contacts';
import { inspections } from './inspections';
import { staff } from './staff';
import { surveys } from './surveys';
import { traffic } from './traffic';
import type { KindId, KindSchema } from './types';

export type { ColumnSpec, ColumnType, KindId, KindSchema } from './types';

export const schemas: Readonly<Record<KindId, KindSchema>> = { complaints, surveys, appraisals, traffic, staff, contacts, inspections };
export const KINDS = Object.keys(schemas) as KindId[];

export function isKind(value: string): value is KindId {
	return Object.hasOwn(schemas, value);
}
