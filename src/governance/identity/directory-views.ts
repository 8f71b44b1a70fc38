import type { GroupMemberRecord, GroupRecord, PrincipalRecord } from '../../metastore/index.js';
import type { GroupInfo, PrincipalInfo } from '../contract.js';
import type { GranteeCleanup } from './grantee-cleanup.js';

export function principalInfo(
  record: PrincipalRecord,
  memberships: GroupMemberRecord[],
): PrincipalInfo {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    isAdmin: record.isAdmin,
    groups: memberships
      .filter((m) => m.member.kind === 'principal' && m.member.name === record.name)
      .map((m) => m.groupName),
    createdAt: record.createdAt.toISOString(),
  };
}

export function groupInfo(record: GroupRecord, memberships: GroupMemberRecord[]): GroupInfo {
  return {
    name: record.name,
    description: record.description,
    members: memberships.filter((m) => m.groupName === record.name).map((m) => ({ ...m.member })),
    createdAt: record.createdAt.toISOString(),
  };
}

/** The audit reason of a deletion: what went with it. */
export function cleanupSummary(cleanup: GranteeCleanup): string {
  return `removed ${cleanup.grants} grant(s), ${cleanup.filters} filter grant(s), ${cleanup.masks} mask exemption(s)`;
}
