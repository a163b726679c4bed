import { LINK, templateParameters, type MessageValues } from './message-templates';

/**
 * What the SMS providers ask of a wording beyond the engine's own rules, and what a text costs.
 * Aliyun and Tencent count alike: every character (Han, letter, digit, punctuation, space) and the
 * signature count one; a text of up to 70 is billed as one message, a longer one is sent as parts
 * of 67 characters, each billed.
 */
export const SINGLE_SMS_CHARACTERS = 70;
export const LONG_SMS_PART_CHARACTERS = 67;

/** How many messages a text is billed as. */
export function billedSmsParts(text: string): number {
  const characters = [...text].length;
  return characters <= SINGLE_SMS_CHARACTERS ? 1 : Math.ceil(characters / LONG_SMS_PART_CHARACTERS);
}

/**
 * Why the providers would not approve or send an SMS wording with these values: a variable longer
 * than they take, brackets they keep for the signature, a link inside a variable (both review
 * templates so; a link must be fixed text). Empty when it may go.
 */
export function smsWordingProblems(template: string, samples: readonly MessageValues[], maxParamLength = Infinity): string[] {
  const problems: string[] = [];
  const tooLong = new Map<string, string>();
  for (const values of samples) {
    for (const [name, value] of templateParameters(template, values)) if ([...value].length > maxParamLength && !tooLong.has(name)) tooLong.set(name, value);
  }
  for (const [name, value] of tooLong) {
    problems.push(`\${${name}} would carry ${[...value].length} characters (${value}), over the provider's ${maxParamLength} for a variable: shorten the guidance it comes from, or write that part into the wording`);
  }
  if (/[【】]/.test(template)) problems.push('must not contain 【 or 】: the providers keep them for the signature');
  const linked = new Map<string, string>();
  for (const values of samples) {
    for (const [name, value] of templateParameters(template, values)) if (LINK.test(value) && !linked.has(name)) linked.set(name, value);
  }
  for (const [name, value] of linked) {
    problems.push(`\${${name}} would carry the link ${value}, and the providers refuse links inside variables: write the link into the wording itself instead of \${${name}}`);
  }
  return problems;
}
