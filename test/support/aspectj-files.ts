import { codeTerms } from '../../src/ml/code-terms.ts';
import { FileIndex } from '../../src/ml/file-index.ts';

/** Three files in AspectJ's layout: a class with a stack-trace name, one with words, a utility. */
export const ASPECTJ_FILES: Record<string, string> = {
  'weaver/src/org/aspectj/weaver/bcel/BcelShadow.java':
    'package org.aspectj.weaver.bcel;\n/** prepares shadows for mungers */\npublic class BcelShadow { void prepareForMungers() {} }\n',
  'weaver/src/org/aspectj/weaver/Checker.java':
    'package org.aspectj.weaver;\n// declare error and warning messages\nclass Checker { String insertKeys(String message) { return message; } }\n',
  'util/src/org/aspectj/util/FileUtil.java':
    'package org.aspectj.util;\nclass FileUtil { void copyFile() {} }\n',
};

export function aspectjIndex(): FileIndex {
  return new FileIndex(
    Object.entries(ASPECTJ_FILES).map(([path, text]) => ({ path, terms: codeTerms(path, text) })),
  );
}
