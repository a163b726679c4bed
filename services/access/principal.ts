/** The roles the engine knows: an approval system's key, and the three kinds of people. */
export const ROLES = ['system', 'specialist', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const PERSON_ROLES = ['specialist', 'supervisor', 'admin'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Who is making a request, once authenticated. */
export type Principal =
  | { role: 'system'; id: string; name: string; bureauCode: string; departmentId: null; departmentName: null }
  | {
      role: PersonRole;
      id: string;
      /** The login name; written as the actor of ledger rows and audit entries. */
      name: string;
      displayName: string;
      /** Null for administrators, who manage every bureau. */
      bureauCode: string | null;
      /** Set for specialists only. */
      departmentId: string | null;
      departmentName: string | null;
    };

/** Words for each role in the pages. */
export const ROLE_WORDS: Record<Role, string> = {
  system: '审批业务系统',
  specialist: '提醒服务专员',
  supervisor: '督查人员',
  admin: '系统管理员',
};

/** Whether the principal may act in a bureau: administrators everywhere, everyone else in their own. */
export function inBureau(principal: Principal, bureauCode: string): boolean {
  return principal.bureauCode === null || principal.bureauCode === bureauCode;
}

/**
 * Whether the principal may see a licence's contact details in full: the approval system that
 * registered it, the owning department's specialists and the bureau's supervisors.
 */
export function seesContactsOf(principal: Principal, licence: { bureauCode: string; departmentId: string }): boolean {
  if (!inBureau(principal, licence.bureauCode)) return false;
  if (principal.role === 'system' || principal.role === 'supervisor') return true;
  return principal.role === 'specialist' && principal.departmentId === licence.departmentId;
}

/** Who an audit trail names: the caller, never a name the request carries. */
export function actorOf(principal: Principal): string {
  return 'displayName' in principal ? `${principal.displayName}（${principal.name}）` : principal.name;
}
