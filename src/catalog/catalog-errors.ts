import { AlreadyExists, NotFound } from '../errors/index.js';
import type { TableIdent } from './contract.js';
import { formatNamespace, formatTableName } from './names.js';

export function tableNotFound(ident: TableIdent): NotFound {
  return new NotFound('TABLE_NOT_FOUND', `Table ${formatTableName(ident)} does not exist`, {
    hint: `lakeward table list ${formatNamespace(ident.namespace)}`,
  });
}

export function tableExists(ident: TableIdent): AlreadyExists {
  return new AlreadyExists(
    'TABLE_ALREADY_EXISTS',
    `Table ${formatTableName(ident)} already exists.`,
    {
      hint: 'Choose another name, or drop the existing table first.',
    },
  );
}

export function namespaceNotFound(path: readonly string[]): NotFound {
  const name = formatNamespace(path);
  return new NotFound('NAMESPACE_NOT_FOUND', `Namespace ${name} does not exist.`, {
    hint: `create it with lakeward namespace create ${name}`,
  });
}

export function namespaceExists(path: readonly string[]): AlreadyExists {
  return new AlreadyExists(
    'NAMESPACE_ALREADY_EXISTS',
    `Namespace ${formatNamespace(path)} already exists.`,
    { hint: 'Choose another name, or use the existing namespace.' },
  );
}
