import type { RuleSeverity } from '../contract.js';
import { dqdlError, tokenize, type Token } from './tokens.js';
import {
  RULE_SHAPES,
  RULE_TYPES,
  type ComparisonOp,
  type Constraint,
  type Literal,
  type ParsedRule,
  type RuleCall,
  type RuleNode,
} from './rules.js';
import { argumentProblem } from './rule-arguments.js';

/**
 * Sections of a ruleset. `Rules` is Glue's; DQDL has no severity, so rules that should
 * only warn go in a second list, `WarnRules = [ … ]`, which Glue would not know.
 */
const SECTIONS: Record<string, RuleSeverity> = { rules: 'error', warnrules: 'warn' };
const HOURS: Record<string, number> = {
  minute: 1 / 60,
  minutes: 1 / 60,
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
};
const RULE_BY_LOWER = new Map(RULE_TYPES.map((t) => [t.toLowerCase(), t]));

/** Parses a DQDL ruleset; InvalidInput INVALID_DQDL with the line and column of the mistake. */
export function parseRuleset(text: string): ParsedRule[] {
  return new Parser(text).document();
}

class Parser {
  readonly #tokens: Token[];
  #at = 0;

  constructor(private readonly text: string) {
    this.#tokens = tokenize(text);
  }

  document(): ParsedRule[] {
    const rules: ParsedRule[] = [];
    const seen = new Set<string>();
    while (this.#peek().kind !== 'end') {
      const name = this.#peek();
      const severity = name.kind === 'word' ? SECTIONS[name.text.toLowerCase()] : undefined;
      if (severity === undefined || seen.has(name.text.toLowerCase())) {
        throw dqdlError(
          name,
          seen.has(name.text.toLowerCase())
            ? `the section ${name.text} appears twice.`
            : `expected "Rules = [" but found ${describe(name)}.`,
          'A ruleset is `Rules = [ rule, rule, … ]`, optionally followed by `WarnRules = [ … ]` for rules that only warn.',
        );
      }
      seen.add(name.text.toLowerCase());
      this.#next();
      this.#expect('op', '=');
      this.#expect('punct', '[');
      while (!this.#is('punct', ']')) {
        rules.push({ node: this.#expression(), severity });
        if (this.#is('punct', ',')) this.#next();
        else if (!this.#is('punct', ']')) {
          throw dqdlError(
            this.#peek(),
            `expected "," or "]" after a rule but found ${describe(this.#peek())}.`,
            'Separate rules with commas and close the list with ].',
          );
        }
      }
      this.#next();
    }
    if (rules.length === 0) {
      throw dqdlError(
        this.#peek(),
        'the ruleset has no rules.',
        'Write at least one rule, e.g. Rules = [ RowCount > 0 ].',
      );
    }
    return rules;
  }

  /** `(A) and (B) and …`; mixing and with or needs parentheses, as in Glue. */
  #expression(): RuleNode {
    const first = this.#peek();
    const head = this.#term();
    const word = this.#peek();
    if (!(word.kind === 'word' && /^(and|or)$/i.test(word.text))) return head;
    const kind = word.text.toLowerCase() as 'and' | 'or';
    const parts = [head];
    while (this.#peek().kind === 'word' && this.#peek().text.toLowerCase() === kind) {
      this.#next();
      parts.push(this.#term());
    }
    const other = this.#peek();
    if (other.kind === 'word' && /^(and|or)$/i.test(other.text)) {
      throw dqdlError(
        other,
        'and and or are mixed without parentheses.',
        'Group them: ((A) and (B)) or (C).',
      );
    }
    const end = this.#tokens[this.#at - 1]!.end;
    return { kind, parts, text: this.text.slice(first.start, end), ...at(first) };
  }

  #term(): RuleNode {
    if (!this.#is('punct', '(')) return this.#rule();
    this.#next();
    const inner = this.#expression();
    this.#expect('punct', ')');
    return inner;
  }

  #rule(): RuleCall {
    const first = this.#next();
    const type = first.kind === 'word' ? RULE_BY_LOWER.get(first.text.toLowerCase()) : undefined;
    if (type === undefined) {
      throw dqdlError(
        first,
        `expected a rule but found ${describe(first)}.`,
        `Rules are ${RULE_TYPES.join(', ')}.`,
      );
    }
    const shape = RULE_SHAPES[type];
    const args: string[] = [];
    while (this.#peek().kind === 'string') args.push(this.#next().text);
    if (args.length < shape.minArgs || args.length > shape.maxArgs) {
      const wanted =
        shape.minArgs === shape.maxArgs
          ? `${shape.minArgs}`
          : `${shape.minArgs} to ${shape.maxArgs}`;
      throw dqdlError(
        first,
        `${type} takes ${wanted} quoted argument(s), not ${args.length}.`,
        `For example: ${shape.usage}`,
      );
    }
    let constraint: Constraint | null = null;
    if (this.#startsConstraint()) {
      if (shape.constraint === 'none') {
        throw dqdlError(this.#peek(), `${type} compares with nothing.`, `Write: ${shape.usage}`);
      }
      constraint = this.#constraint();
    } else if (shape.constraint === 'required') {
      throw dqdlError(
        this.#peek(),
        `${type} needs a comparison (such as > 0 or between 1 and 10) but found ${describe(this.#peek())}.`,
        `For example: ${shape.usage}`,
      );
    }
    let threshold: Constraint | null = null;
    let where: string | null = null;
    for (;;) {
      const word = this.#peek();
      if (word.kind === 'word' && word.text.toLowerCase() === 'with' && threshold === null) {
        this.#next();
        const name = this.#next();
        if (!(name.kind === 'word' && name.text.toLowerCase() === 'threshold')) {
          throw dqdlError(
            name,
            'expected "threshold" after "with".',
            'Write: with threshold > 0.9',
          );
        }
        if (!shape.rowLevel) {
          throw dqdlError(
            word,
            `${type} is not checked row by row, so it takes no threshold.`,
            'Thresholds apply to ColumnValues, ColumnLength, Completeness, DataFreshness, ReferentialIntegrity.',
          );
        }
        threshold = this.#constraint();
      } else if (word.kind === 'word' && word.text.toLowerCase() === 'where' && where === null) {
        this.#next();
        const condition = this.#next();
        if (condition.kind !== 'string' || condition.text.trim() === '') {
          throw dqdlError(
            condition,
            'expected a quoted SQL condition after "where".',
            'Write: where "country = \'France\'"',
          );
        }
        where = condition.text;
      } else break;
    }
    const end = this.#tokens[this.#at - 1]!.end;
    const text = this.text.slice(first.start, end);
    const rule: RuleCall = {
      kind: 'rule',
      type,
      args,
      constraint,
      threshold,
      where,
      text,
      ...at(first),
    };
    const problem = argumentProblem(rule);
    if (problem !== null) throw dqdlError(first, problem, `For example: ${shape.usage}`);
    return rule;
  }

  #startsConstraint(): boolean {
    const t = this.#peek();
    if (t.kind === 'op') return true;
    return t.kind === 'word' && /^(between|in|not|matches)$/i.test(t.text);
  }

  #constraint(): Constraint {
    const t = this.#next();
    if (t.kind === 'op')
      return { kind: 'compare', op: t.text as ComparisonOp, value: this.#literal() };
    const word = t.text.toLowerCase();
    const negated = word === 'not';
    const verb = negated ? this.#next() : t;
    switch (verb.kind === 'word' ? verb.text.toLowerCase() : '') {
      case 'between': {
        const low = this.#literal();
        const and = this.#next();
        if (!(and.kind === 'word' && and.text.toLowerCase() === 'and')) {
          throw dqdlError(and, 'expected "and" in "between … and …".', 'Write: between 1 and 10');
        }
        return { kind: 'between', low, high: this.#literal(), negated };
      }
      case 'in': {
        this.#expect('punct', '[');
        const values: Literal[] = [];
        while (!this.#is('punct', ']')) {
          values.push(this.#literal());
          if (this.#is('punct', ',')) this.#next();
          else if (!this.#is('punct', ']')) {
            throw dqdlError(
              this.#peek(),
              'expected "," or "]" in the list.',
              'Write: in ["a", "b"]',
            );
          }
        }
        this.#next();
        return { kind: 'in', values, negated };
      }
      case 'matches': {
        const pattern = this.#next();
        if (pattern.kind !== 'string') {
          throw dqdlError(
            pattern,
            'expected a quoted regular expression after "matches".',
            'Write: matches "[A-Z]{2}"',
          );
        }
        return { kind: 'matches', pattern: pattern.text, negated };
      }
      default:
        throw dqdlError(
          verb,
          `expected a comparison but found ${describe(verb)}.`,
          'Comparisons are > >= < <= = != value, between a and b, in [ … ], matches "regex", with not before between, in or matches.',
        );
    }
  }

  #literal(): Literal {
    const t = this.#next();
    if (t.kind === 'number') {
      const value = Number(t.text);
      const unit = this.#peek();
      const hours = unit.kind === 'word' ? HOURS[unit.text.toLowerCase()] : undefined;
      if (hours === undefined) return { kind: 'number', value };
      this.#next();
      return { kind: 'duration', hours: value * hours, text: `${t.text} ${unit.text}` };
    }
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'word' && t.text.toUpperCase() === 'NULL') return { kind: 'null' };
    throw dqdlError(
      t,
      `expected a number, a "quoted" value or NULL but found ${describe(t)}.`,
      'Quote text values: "France".',
    );
  }

  #peek(): Token {
    return this.#tokens[this.#at]!;
  }

  #next(): Token {
    const token = this.#tokens[this.#at]!;
    if (token.kind !== 'end') this.#at++;
    return token;
  }

  #is(kind: Token['kind'], text: string): boolean {
    const t = this.#peek();
    return t.kind === kind && t.text === text;
  }

  #expect(kind: Token['kind'], text: string): void {
    const t = this.#next();
    if (t.kind !== kind || t.text !== text) {
      throw dqdlError(
        t,
        `expected "${text}" but found ${describe(t)}.`,
        'A ruleset is `Rules = [ rule, rule, … ]`.',
      );
    }
  }
}

function at(token: Token): { line: number; column: number } {
  return { line: token.line, column: token.column };
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the ruleset';
  return token.kind === 'string' ? `"${token.text}"` : `'${token.text}'`;
}
