import { classifyReply } from '../../domain';

describe('classifyReply: what a holder answers to a reminder text', () => {
  it.each([
    ['已办理', 'renewed'],
    ['已经办理了，谢谢', 'renewed'],
    ['我们上周已续期', 'renewed'],
    ['已延续。', 'renewed'],
    ['办好了', 'renewed'],
    ['已提交申请', 'renewed'],
    ['号码错误', 'wrong_number'],
    ['你好，发错了，我不是这家公司的', 'wrong_number'],
    ['打错了', 'wrong_number'],
    ['查无此人', 'wrong_number'],
    ['不是本人，已办理', 'wrong_number'],
    ['请回电', 'call_back'],
    ['麻烦给我打个电话', 'call_back'],
    ['还没办理，请电话联系', 'call_back'],
    ['收到', 'other'],
    ['TD', 'other'],
    ['未办理', 'other'],
    ['还没有续', 'other'],
  ] as const)('%p is %p', (text, intent) => {
    expect(classifyReply(text)).toBe(intent);
  });

  it('reads full-width and spaced words alike', () => {
    expect(classifyReply('已 办 理！')).toBe('renewed');
    expect(classifyReply('号码　错误')).toBe('wrong_number');
  });
});
