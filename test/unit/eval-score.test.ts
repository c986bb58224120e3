// The scoring rules of ../shared/corpus/README.md on hand-made strings: exact edit counts,
// normalisation (NFC, whitespace, Tapuscorpus marks), bag-of-words WER with repeats, totals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bagOfWordsScore, characterScore, median, normalizeForScoring, scoreText, totalScore } from '../../src/eval/score.ts';

test('CER counts substitutions, insertions and deletions against the GT length', () => {
  // kitten -> sitting: 2 substitutions + 1 insertion.
  assert.deepEqual(characterScore('sitting', 'kitten'), { distance: 3, gtLength: 6, cer: 0.5 });
  // One deletion out of 10 characters.
  const s = scoreText('abcdefghi', 'abcdefghij');
  assert.equal(s.distance, 1);
  assert.equal(s.gtLength, 10);
  assert.equal(s.cer, 0.1);
  assert.equal(scoreText('same text', 'same text').cer, 0);
  // OCR text longer than the GT: CER can exceed 1.
  assert.equal(scoreText('abcabc', 'abc').cer, 1);
});

test('an empty GT gives CER 0 for empty OCR and the raw distance otherwise', () => {
  assert.equal(scoreText('', '').cer, 0);
  assert.equal(scoreText('xy', '').cer, 2);
});

test('NFC: a decomposed é in the OCR text equals the precomposed é of the GT', () => {
  const decomposed = 'Pre\u0301fecture';
  const precomposed = 'Pr\u00e9fecture';
  assert.notEqual(decomposed, precomposed);
  assert.equal(normalizeForScoring(decomposed), precomposed);
  const s = scoreText(decomposed, precomposed);
  assert.equal(s.distance, 0);
  assert.equal(s.gtLength, 10);
});

test('whitespace runs, line breaks and tabs collapse to one space; the ends are trimmed', () => {
  assert.equal(normalizeForScoring('  one\n\ntwo \t three\r\n  four\u00a0five  '), 'one two three four five');
  assert.equal(scoreText('one\ntwo', 'one  two').distance, 0);
  // The line break between lines still counts as one space character.
  assert.equal(scoreText('onetwo', 'one\ntwo').distance, 1);
});

test('Tapuscorpus marks are removed: ~~~, ⟦ ⟧, ^ and a _ starting a word, not _ inside one', () => {
  assert.equal(normalizeForScoring("~~~\nJ'occupais depuis"), "J'occupais depuis");
  assert.equal(normalizeForScoring('_Plan _de _présentation'), 'Plan de présentation');
  assert.equal(normalizeForScoring('le 1^er mai ⟦barré⟧'), 'le 1er mai barré');
  assert.equal(normalizeForScoring('snake_case and (_souligné)'), 'snake_case and (souligné)');
  // The GT's marks cost the OCR text nothing.
  assert.equal(scoreText('Plan de présentation', '~~~ _Plan _de _présentation').distance, 0);
});

test('characters outside the BMP count as one character each', () => {
  const s = scoreText('a\u{1F600}b', 'a\u{1F601}b');
  assert.equal(s.gtLength, 3);
  assert.equal(s.distance, 1);
  assert.equal(scoreText('ab', 'a\u{1D11E}b').distance, 1);
});

test('bag-of-words WER ignores order and counts repeated words as a multiset', () => {
  assert.deepEqual(bagOfWordsScore('c b a', 'a b c'), { missing: 0, extra: 0, errors: 0, gtWords: 3, wer: 0 });
  // GT has "the" twice; OCR once -> one missing; "cat" misread as "cot" -> one missing, one extra.
  const s = bagOfWordsScore('the cot sat', 'the cat sat the');
  assert.equal(s.missing, 2);
  assert.equal(s.extra, 1);
  assert.equal(s.errors, 2);
  assert.equal(s.wer, 0.5);
  // Extra repeats: OCR says "the" three times, GT once.
  const t = bagOfWordsScore('the the the end', 'the end');
  assert.deepEqual([t.missing, t.extra, t.errors, t.gtWords, t.wer], [0, 2, 2, 2, 1]);
  // Case and punctuation are part of a word.
  assert.equal(bagOfWordsScore('Stop.', 'stop').errors, 1);
});

test('scoreText normalises before counting words', () => {
  const s = scoreText('Plan\n de  pre\u0301sentation', '_Plan _de _présentation');
  assert.equal(s.wer, 0);
  assert.equal(s.gtWords, 3);
});

test('totals sum distances and GT lengths over pages; the median is of page CERs', () => {
  const pages = [scoreText('abcd', 'abcx'), scoreText('x', 'abcdefghij'), scoreText('same', 'same')];
  // distances 1 + 10 + 0 = 11 over lengths 4 + 10 + 4 = 18 (the long page weighs more).
  const total = totalScore(pages);
  assert.equal(total.distance, 11);
  assert.equal(total.gtLength, 18);
  assert.equal(total.cer, 11 / 18);
  assert.equal(total.medianCer, 0.25);
  assert.equal(total.pages, 3);
  assert.equal(total.gtWords, 3);
  assert.equal(total.wordErrors, 2);
  assert.equal(total.wer, 2 / 3);
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
