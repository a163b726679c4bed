import type { SeedBureau } from './seed-types';

/** 吕梁市行政审批服务管理局's catalogue (目录), as published; spaces left by the PDF's line breaks removed. */
export const LULIANG: SeedBureau = {
  code: 'luliang',
  name: '吕梁市行政审批服务管理局',
  timeZone: 'Asia/Shanghai',
  catalogue: [
    { code: 'LL01', department: '审批四组', approvalItem: '企业登记注册', licenceName: '营业执照', validityText: '经营范围涉及前置许可项目的依据许可证项目的，按申请人申请置许可项目的时间确定' },
    { code: 'LL02', department: '审批五组', approvalItem: '药品零售企业许可', licenceName: '药品经营许可证', validityText: '5年' },
    { code: 'LL03', department: '审批五组', approvalItem: '食品生产许可', licenceName: '食品生产许可证', validityText: '5年' },
    { code: 'LL04', department: '审批五组', approvalItem: '第三类医疗器械经营许可', licenceName: '医疗器械经营许可证', validityText: '5年' },
    { code: 'LL05', department: '审批五组', approvalItem: '麻醉药品、第一类精神药品运输许可', licenceName: '麻醉药品、第一类精神药品运输证明', validityText: '1年' },
    { code: 'LL06', department: '审批六组', approvalItem: '延期', licenceName: '燃气经营许可证', validityText: '3年' },
    { code: 'LL07', department: '审批六组', approvalItem: '延期', licenceName: '道路运输经营许可证（危险货物）', validityText: '4年' },
    { code: 'LL08', department: '审批六组', approvalItem: '延期', licenceName: '建筑业企业资质证书', validityText: '5年' },
    { code: 'LL09', department: '审批六组', approvalItem: '延期', licenceName: '房地产开发企业资质证书', validityText: '3年' },
    { code: 'LL10', department: '审批七组', approvalItem: '排污许可', licenceName: '排污许可证', validityText: '5年' },
    { code: 'LL11', department: '审批七组', approvalItem: '取水许可', licenceName: '取水许可证', validityText: '5年' },
    { code: 'LL12', department: '审批七组', approvalItem: '危险废物经营许可', licenceName: '危险废物经营许可证', validityText: '5年' },
    { code: 'LL13', department: '审批九组', approvalItem: '特种设备作业人员资格认定', licenceName: '中国人民共和国特种设备安全管理经验和作业人员证', validityText: '4年' },
    { code: 'LL14', department: '审批九组', approvalItem: '成品油零售经营资格审批', licenceName: '成品油零售经营批准证书', validityText: '5年' },
    { code: 'LL15', department: '审批十一组', approvalItem: '巡游出租汽车车辆营运证核发', licenceName: '山西省城市出租汽车运营证', validityText: '随公司许可时间而定' },
    { code: 'LL16', department: '审批十一组', approvalItem: '网络预约汽车运输证核发', licenceName: '网络预约出租汽车运输证', validityText: '随平台许可时间而定' },
    { code: 'LL17', department: '审批十一组', approvalItem: '城市公共汽（电）车运营证的配发', licenceName: '城市公交车辆运营证', validityText: '随公司许可时间而定' },
    { code: 'LL18', department: '审批十一组', approvalItem: '道路旅客运输经营许可', licenceName: '道路运输经营许可证', validityText: '4年' },
    { code: 'LL19', department: '审批十一组', approvalItem: '城市公共汽（电）车客运经营许可', licenceName: '山西省公交客运经营许可证', validityText: '8年' },
    { code: 'LL20', department: '审批十一组', approvalItem: '出租车经营许可', licenceName: '山西省城市出租汽车客运经营许可证', validityText: '4年' },
    { code: 'LL21', department: '审批十一组', approvalItem: '网约汽车经营许可证核发', licenceName: '网络预约出租汽车经营许可证', validityText: '8年' },
    { code: 'LL22', department: '审批十一组', approvalItem: '船舶国籍证书核发（船舶国籍证书签发）', licenceName: '中华人民共和国船舶国籍证书', validityText: '5年' },
    { code: 'LL23', department: '审批十一组', approvalItem: '内河船员适任证书核发', licenceName: '中华人民共和国内河船舶船员适任证', validityText: '5年' },
    { code: 'LL24', department: '审批十一组', approvalItem: '封闭水域水路旅客运输经营许可', licenceName: '水路运输许可证', validityText: '5年' },
  ],
};
