import * as echarts from 'echarts';
import type { OutcomeFigures } from './outcome-figures';
import { CHANNEL_LABELS } from './ledger-export';

const WIDTH = 720;
const HEIGHT = 320;

/** Renders one chart to an SVG string on the server: readable without script, printable. */
function svgOf(option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Coverage and renewal-before-expiry rate per department, in percent. */
export function ratesChart(figures: OutcomeFigures): string {
  const departments = figures.departments.map((row) => row.department);
  const asPercent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  return svgOf({
    title: { text: '提醒覆盖率与到期前延续率（%）', left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0, data: ['提醒覆盖率', '到期前延续率'] },
    grid: { left: 48, right: 16, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: departments, axisLabel: { interval: 0, rotate: departments.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { name: '提醒覆盖率', type: 'bar', data: figures.departments.map((row) => asPercent(row.coverage)), label: { show: true, position: 'top' } },
      { name: '到期前延续率', type: 'bar', data: figures.departments.map((row) => asPercent(row.renewalRate)), label: { show: true, position: 'top' } },
    ],
  });
}

/** Reminders made in the period per department, stacked by channel. */
export function remindersChart(figures: OutcomeFigures): string {
  const departments = figures.departments.map((row) => row.department);
  const channels = [...new Set(figures.departments.flatMap((row) => row.reminders.map((reminder) => reminder.channel)))];
  return svgOf({
    title: { text: '各科室提醒次数（按提醒方式）', left: 'center', textStyle: { fontSize: 14 } },
    legend: { bottom: 0, data: channels.map((channel) => CHANNEL_LABELS[channel] ?? channel) },
    grid: { left: 48, right: 16, top: 40, bottom: 64 },
    xAxis: { type: 'category', data: departments, axisLabel: { interval: 0, rotate: departments.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: channels.map((channel) => ({
      name: CHANNEL_LABELS[channel] ?? channel,
      type: 'bar' as const,
      stack: 'reminders',
      data: figures.departments.map((row) => row.reminders.filter((reminder) => reminder.channel === channel).reduce((sum, reminder) => sum + reminder.count, 0)),
    })),
  });
}
