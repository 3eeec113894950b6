import { STAFF_ROLES, type StaffRole } from '../entities/StaffMember';

export { STAFF_ROLES, type StaffRole };

/** Who is acting: a staff member, the bootstrap `ADMIN_TOKEN`, or someone at the server's shell. */
export interface Actor {
  /** `staff:<id>`, `ADMIN_TOKEN` or `cli:<os user>`: what the audit log names. */
  key: string;
  name: string;
  role: StaffRole;
  /** The staff member's id; null for ADMIN_TOKEN and the shell. */
  staffId: string | null;
}

const RANK: Record<StaffRole, number> = { operator: 1, admin: 2 };

/** Whether `role` may do what needs `needed`: an admin can do everything an operator can. */
export function hasRole(role: StaffRole, needed: StaffRole): boolean {
  return RANK[role] >= RANK[needed];
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
