import { describe, expect, it } from 'vitest';
import { isCollection, isScalar, parseDocument, visit } from 'yaml';
import { exampleDocumentText } from '../../../../test/fixtures/config/index.js';
import { yamlNodeUpperBound } from './yaml-limits.js';

const nodes = (text: string) => {
  let n = 0;
  visit(parseDocument(text), (_k, node) => {
    if (isScalar(node) || isCollection(node)) n++;
  });
  return n;
};

describe('yamlNodeUpperBound', () => {
  it('is never below the real node count (block, flow, nested, empty items)', () => {
    for (const text of [exampleDocumentText(), 'a: [1, [2, [3, {b: c}]], , ]', '- - - x\n- {a: 1, b: [2,3]}\n', 'k: v', '[[[[[[]]]]]]']) {
      expect(yamlNodeUpperBound(text), text).toBeGreaterThanOrEqual(nodes(text));
    }
  });

  it('stops counting just past the limit', () => {
    expect(yamlNodeUpperBound(`[${'0,'.repeat(1000)}0]`, 10)).toBe(11);
  });
});
