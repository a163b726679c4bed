import { Writable } from 'node:stream';
import { maskHolderName, maskPersonalData, maskPersonalText } from '../../domain';
import { createLogger } from '../../runtime/logger';

describe('maskPersonalText', () => {
  it.each([
    ['call 13800138000 today', 'call 138****8000 today'],
    ['+86 13912345678', '139****5678'],
    ['office 0631-5201234', 'office 0631-****1234'],
    ['id 371002199001011234', 'id 371002********1234'],
    ['id 37100219900101123X', 'id 371002********123X'],
  ])('masks %p', (input, expected) => {
    expect(maskPersonalText(input)).toBe(expected);
  });

  it('leaves dates, licence numbers and short numbers alone', () => {
    const text = '鲁威药经2023001 expires 2027-05-31, 3 reminders, window 20270228';
    expect(maskPersonalText(text)).toBe(text);
  });

  it('masks inside nested values without touching other types', () => {
    expect(maskPersonalData({ contact: { phone: '13800138000', tries: 2 }, list: ['13800138000'] })).toEqual({
      contact: { phone: '138****8000', tries: 2 },
      list: ['138****8000'],
    });
  });
});

describe('createLogger', () => {
  it('writes one JSON line per event with phone numbers masked in the message and the fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ contact: { phone: '13800138000' } }, 'sms to 13912345678 queued');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(event.msg).toBe('sms to 139****5678 queued');
    expect(event.contact).toEqual({ phone: '138****8000' });
    expect(event.level).toBe('info');
    expect(lines[0]).not.toMatch(/13800138000|13912345678/);
  });
});

describe('holder names in a public notice', () => {
  it.each([
    ['李娜', '李*'],
    ['欧阳明华', '欧***'],
    ['买买提·艾力', '买***'],
    ['John Smith', 'J*** S****'],
    ['威海康宁大药房有限公司', '威海康宁大药房有限公司'],
    ['Weihai Ocean Trading Co., Ltd.', 'Weihai Ocean Trading Co., Ltd.'],
    ['张三诊所（联系电话13812345678）', '张三诊所（联系电话138****5678）'],
  ])('%s is shown as %s', (name, shown) => {
    expect(maskHolderName(name)).toBe(shown);
  });
});
