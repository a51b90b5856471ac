import type { KindSchema } from './types';
import { staffStatus } from './vocabularies';

export const staff: KindSchema = {
	kind: 'staff',
	table: 'staff',
	key: ['staff_id'],
	storeColumn: 'store',
	dateColumn: 'hire_date',
	columns: [
		{ name: 'staff_id', aliases: ['工号', '员工工号', '员工编号', 'employee id', 'staff id'], type: 'id', required: true },
		{ name: 'name', aliases: ['姓名', '员工姓名', 'staff name'], type: 'text', required: true },
		{ name: 'store', aliases: ['门店', '店铺', '所属门店'], type: 'text' },
		{ name: 'department', aliases: ['部门', '所属部门'], type: 'text' },
		{ name: 'position', aliases: ['岗位', '职位', '职务'], type: 'text' },
		{ name: 'hire_date', aliases: ['入职日期', '入职时间', 'hire date'], type: 'date' },
		{ name: 'status', aliases: ['在职状态', '状态', '员工状态'], type: 'enum', enum: staffStatus, defaultSql: "'在职'" }
	]
};
