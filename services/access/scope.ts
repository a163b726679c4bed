import { Refusal } from '../refusal';
import { inBureau, type Principal } from './principal';

/** 403 unless the principal may act in the bureau. */
export function assertBureau(principal: Principal, bureauCode: string): void {
  if (!inBureau(principal, bureauCode)) {
    throw new Refusal('forbidden', 'forbidden', `This account serves bureau ${principal.bureauCode}, not ${bureauCode}.`);
  }
}

/** 403 unless the principal is a specialist of the department, or a supervisor or administrator of its bureau. */
export function assertDepartment(principal: Principal, department: { id: string; bureauCode: string }): void {
  assertBureau(principal, department.bureauCode);
  if (principal.role === 'specialist' && principal.departmentId !== department.id) {
    throw new Refusal('forbidden', 'forbidden', `This task belongs to another department; a specialist works only the tasks of ${principal.departmentName}.`);
  }
}
