export type * from './contract.js';
export { PRIVILEGES, MASK_FUNCTIONS, ALL_USERS_GROUP } from './contract.js';
// --- identity: tokens, OIDC, principals and groups ---
export { TokenAuthenticator } from './identity/token-authenticator.js';
export type { TokenAuthenticatorOptions } from './identity/token-authenticator.js';
export { createAuthenticator } from './identity/create-authenticator.js';
export { DirectoryService } from './identity/directory-service.js';
// --- policy: the decision, read policies, explanations ---
export { PolicyAuthorizer } from './policy/policy-authorizer.js';
export type { PolicyAuthorizerOptions } from './policy/policy-authorizer.js';
export { parseTagExpression } from './policy/tag-expression.js';
export { securableText, parseSecurable, auditResource } from './policy/securable.js';
// --- administration of grants, tags, filters and masks ---
export { PolicyAdministration } from './admin/policy-administration.js';
export { APPLICABLE_PRIVILEGES, canonicalPrivileges } from './admin/privilege-rules.js';
// --- audit ---
export { HashChainAuditLog } from './audit/hash-chain-audit-log.js';
export type { HashChainAuditLogOptions } from './audit/hash-chain-audit-log.js';
export { AuditSystemTable } from './audit/audit-system-table.js';
