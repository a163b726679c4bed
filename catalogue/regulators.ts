import type { SeedCatalogueEntry } from './seed-types';

/**
 * The competent departments (行业主管部门) that receive renewal decisions (审管协同), by the
 * words of the approval item and licence name. The notices name no departments; these are the
 * municipal departments that supervise each field. A bureau adjusts them in the catalogue.
 */
const RULES: Array<{ id: string; name: string; matches: RegExp }> = [
  { id: 'health', name: '卫生健康委员会', matches: /医疗机构|护士|印鉴卡/ },
  { id: 'market-supervision', name: '市场监督管理局', matches: /药品|食品|医疗器械|营业执照|企业登记|特种设备|麻醉药品、第一类精神药品运输/ },
  { id: 'transport', name: '交通运输局', matches: /道路|出租|网络预约|公交|公共汽|客运|水路|船舶|船员|营运证/ },
  { id: 'housing', name: '住房和城乡建设局', matches: /燃气|建筑业|房地产/ },
  { id: 'ecology', name: '生态环境局', matches: /排污|危险废物/ },
  { id: 'water', name: '水务局', matches: /取水|污水/ },
  { id: 'commerce', name: '商务局', matches: /成品油|对外劳务/ },
  { id: 'civil-affairs', name: '民政局', matches: /社会团体|民办非企业|基金会/ },
  { id: 'science', name: '科学技术局', matches: /外国人/ },
  { id: 'agriculture', name: '农业农村局', matches: /种畜禽|农药/ },
  { id: 'natural-resources', name: '自然资源和规划局', matches: /海域/ },
  { id: 'human-resources', name: '人力资源和社会保障局', matches: /人力资源|劳务派遣|职业培训/ },
  { id: 'publicity', name: '新闻出版局', matches: /印刷/ },
];

/** The regulator a seed entry's decisions go to; the first matching rule wins. */
export function regulatorFor(entry: SeedCatalogueEntry): { id: string; name: string } {
  const rule = RULES.find((candidate) => candidate.matches.test(`${entry.approvalItem} ${entry.licenceName}`));
  if (!rule) throw new Error(`No regulator rule matches catalogue entry ${entry.code} (${entry.licenceName}); add one to catalogue/regulators.ts`);
  return { id: rule.id, name: rule.name };
}
