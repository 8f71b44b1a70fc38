import { NotFound, PermissionDenied } from '../../errors/index.js';
import type { Decision, Principal, Securable } from '../contract.js';
import { dottedName, securableText } from './securable.js';

/**
 * The error a caller gets for something it may not even see: word for word what the
 * catalog says about a table or namespace that does not exist, so a hidden object
 * cannot be told from a missing one.
 */
export function hiddenError(securable: Securable): NotFound {
  const path = securable.kind === 'column' ? securable.path.slice(0, -1) : securable.path;
  if (securable.kind === 'namespace') {
    const name = path.join('.');
    return new NotFound('NAMESPACE_NOT_FOUND', `Namespace ${name} does not exist.`, {
      hint: `create it with lakeward namespace create ${name}`,
    });
  }
  if (securable.kind === 'volume') {
    return new NotFound('VOLUME_NOT_FOUND', `Volume ${path.join('.')} does not exist`, {
      hint: `check the volume's name and its namespace ${path.slice(0, -1).join('.')}`,
    });
  }
  return new NotFound('TABLE_NOT_FOUND', `Table ${path.join('.')} does not exist`, {
    hint: `lakeward table list ${path.slice(0, -1).join('.')}`,
  });
}

/** e.g. `lakeward grant SELECT ON TABLE gold.revenue.monthly TO user alice`. */
function grantCommand(privilege: string, securable: Securable, principal: Principal): string {
  const on =
    securable.kind === 'catalog'
      ? 'CATALOG'
      : `${securable.kind.toUpperCase()} ${dottedName(securable.path)}`;
  const grantee = `${principal.kind === 'service' ? 'service' : 'user'} ${principal.name}`;
  return `lakeward grant ${privilege} ON ${on} TO ${grantee}`;
}

/**
 * A deny the caller may know about: what is missing and the command that would fix
 * it (the USAGE grant when that is what is lacking).
 */
export function deniedError(
  principal: Principal,
  decision: Decision,
  lackingUsage: Securable | undefined,
): PermissionDenied {
  const fix =
    lackingUsage === undefined
      ? grantCommand(decision.privilege, decision.securable, principal)
      : grantCommand('USAGE', lackingUsage, principal);
  return new PermissionDenied(
    'PERMISSION_DENIED',
    `${principal.name} may not use ${decision.privilege} on ${securableText(decision.securable)}: ${decision.reason}.`,
    {
      hint: `ask an owner or an admin: ${fix}`,
      details: { privilege: decision.privilege, securable: decision.securable },
    },
  );
}
