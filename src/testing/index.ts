/**
 * `hotplug test`: test files, conditions on output messages, and the runner.
 * Plugin tests run here; pipeline tests need the host's builder and live in
 * src/host/pipeline-tests.ts, which builds on these pieces.
 */
export { compareOutput } from './compare.js';
export { checkMessage, jsonContains, EXPECTATION_KEYS, type MessageExpectation, type Mismatch } from './conditions.js';
export { runPluginTests, toMessage, type CaseResult } from './plugin-tests.js';
export { runTests, findTests, functionsDirOf, type RunTestsOptions, type TestTarget } from './runner.js';
export { loadTestFile, isTestFile, TARGET_POINTER, type TestCase, type TestFile, type TestFileKind, type TestMessage } from './spec.js';
