import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes let operators filter licences in the Temporal UI and CLI, e.g.
// `temporal workflow list --query "LicenceBureau='weihai' AND LicenceStage='window_open'"`.
// Lists shown to bureau staff come from the database, not from these.

export const LICENCE_BUREAU = defineSearchAttributeKey('LicenceBureau', SearchAttributeType.KEYWORD);
export const LICENCE_DEPARTMENT = defineSearchAttributeKey('LicenceDepartment', SearchAttributeType.KEYWORD);
export const LICENCE_TYPE = defineSearchAttributeKey('LicenceType', SearchAttributeType.KEYWORD);
export const LICENCE_EXPIRES_ON = defineSearchAttributeKey('LicenceExpiresOn', SearchAttributeType.DATETIME);
export const LICENCE_STAGE = defineSearchAttributeKey('LicenceStage', SearchAttributeType.KEYWORD);

/** Every custom search attribute, for registering them with a Temporal server. */
export const LICENCE_SEARCH_ATTRIBUTES = [
  LICENCE_BUREAU,
  LICENCE_DEPARTMENT,
  LICENCE_TYPE,
  LICENCE_EXPIRES_ON,
  LICENCE_STAGE,
] as const;
