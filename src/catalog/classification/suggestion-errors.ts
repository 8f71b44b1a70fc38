import { Conflict, InvalidInput, NotFound } from '../../errors/index.js';

export function suggestionNotFound(id: string): NotFound {
  return new NotFound(
    'CLASSIFICATION_NOT_FOUND',
    `No classification suggestion has the id ${id}.`,
    { hint: 'List suggestions with lakeward classify list to see their ids.' },
  );
}

/** A column carries one value of the classification tag, so one accepted suggestion. */
export function columnAlreadyClassified(column: string, as: string, id: string): Conflict {
  return new Conflict(
    'COLUMN_ALREADY_CLASSIFIED',
    `The column ${column} is already classified as ${as} (suggestion ${id}).`,
    { hint: `Reject suggestion ${id} first if the column holds something else.` },
  );
}

export function invalidSampleSize(size: number, max: number): InvalidInput {
  return new InvalidInput(
    'INVALID_SAMPLE_SIZE',
    `The sample size ${size} is not a whole number between 1 and ${max}.`,
    { hint: 'Pass e.g. --sample 1000 (non-null values sampled per column).' },
  );
}

export function rejectReasonRequired(): InvalidInput {
  return new InvalidInput('REJECT_REASON_REQUIRED', 'Rejecting a suggestion needs a reason.', {
    hint: 'Say why the column is not what was detected, e.g. --reason "test data, not real cards".',
  });
}
