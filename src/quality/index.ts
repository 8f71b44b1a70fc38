export type * from './contract.js';
export { Quality } from './quality-service.js';
export type { QualityDeps, RulesetChoice } from './quality-service.js';
export { parseRuleset } from './dqdl/parser.js';
export type { ParsedRule, RuleNode, RuleType } from './dqdl/rules.js';
export type { Evaluation, RulesetSource } from './evaluator.js';
export type { ColumnProfile, TableProfile } from './profiler.js';
