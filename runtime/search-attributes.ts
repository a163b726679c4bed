import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { LICENCE_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

/** How the Temporal CLI spells each search attribute type. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Registers the licence search attributes that a Temporal namespace lacks; those present are
 * left alone. The dev server gets them as start-up flags; a cluster or the test server here.
 *
 * @returns the names it added.
 * @throws Error with the CLI command an operator can run instead when the server refuses.
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const known = await listSearchAttributeNames(connection, namespace);
  const missing = LICENCE_SEARCH_ATTRIBUTES.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
    });
  } catch (error) {
    // A server that cannot list its attributes (the Java test server) says so when they exist.
    if ((error as { code?: number }).code === GRPC_ALREADY_EXISTS) return [];
    const commands = missing
      .map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${SEARCH_ATTRIBUTE_CLI_TYPES[key.type]}`)
      .join('\n  ');
    throw new Error(
      `Could not register search attributes (${error instanceof Error ? error.message : String(error)}). Ask an operator to run:\n  ${commands}`,
    );
  }
  return missing.map((key) => key.name);
}

const GRPC_ALREADY_EXISTS = 6;
const GRPC_UNIMPLEMENTED = 12;

/** The namespace's search attribute names; empty where the server cannot list them (the Java test server). */
async function listSearchAttributeNames(connection: Connection, namespace: string): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set([...Object.keys(existing.customAttributes ?? {}), ...Object.keys(existing.systemAttributes ?? {})]);
  } catch (error) {
    if ((error as { code?: number }).code === GRPC_UNIMPLEMENTED) return new Set();
    throw error;
  }
}
