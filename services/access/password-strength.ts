import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { z } from 'zod';

// zxcvbn's score: 3 is "safely unguessable" for an online attack, which is what a login faces.
const STRONG_ENOUGH = 3;
const estimator = new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...english.dictionary }, graphs: common.adjacencyGraphs, translations: english.translations });

/**
 * A new password: at least 10 characters and hard to guess by zxcvbn's estimate (common words,
 * repeats, keyboard walks and dates count against it), with what to do when it is not.
 */
export const PasswordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters')
  .superRefine((password, context) => {
    if (password.length < 10 || password.length > 200) return;
    const { score, feedback } = estimator.check(password);
    if (score >= STRONG_ENOUGH) return;
    const advice = [feedback.warning, ...feedback.suggestions].filter(Boolean).join(' ');
    context.addIssue({ code: 'custom', message: `is too easy to guess${advice ? `: ${advice}` : ''} A few unrelated words make a strong one.` });
  })
  .openapi({ description: 'At least 10 characters, hard to guess (zxcvbn score 3 or more)' });
