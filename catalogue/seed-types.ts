/** A catalogue entry as the bureau published it. */
export interface SeedCatalogueEntry {
  /** Stable code that approval systems may use instead of the licence name. */
  code: string;
  /** 审批科室 / 审批组 */
  department: string;
  /** 事项名称 */
  approvalItem: string;
  /** 证照名称 */
  licenceName: string;
  /** 有效期, verbatim: `5年`, `3至5年`, `无`, `随公司许可时间而定` … */
  validityText: string;
}

/** A bureau with its published catalogue. */
export interface SeedBureau {
  code: string;
  name: string;
  /** The city's name, which prefixes its departments' names (威海市 …). */
  city: string;
  timeZone: string;
  /** Where holders renew (办理地点) when a licence type names no office of its own. */
  officeAddress: string;
  catalogue: SeedCatalogueEntry[];
}
