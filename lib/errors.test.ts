import { describe, expect, it } from 'vitest';
import { AppError, errorMessage, toHttpError } from './errors';

describe('errors', () => {
  it('errorMessage gives an Error its message and anything else its string', () => {
    expect(errorMessage(new AppError('conflict', 'node is busy'))).toBe('node is busy');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
  });

  it('an AppError becomes its status; anything else a plain 500 that shows nothing of it', () => {
    expect(toHttpError(new AppError('gone', 'older than kept'))).toMatchObject({ status: 410, body: { error: { code: 'gone', message: 'older than kept' } } });
    const unknown = toHttpError(new Error('password=hunter2'));
    expect(unknown.status).toBe(500);
    expect(JSON.stringify(unknown.body)).not.toContain('hunter2');
  });
});
