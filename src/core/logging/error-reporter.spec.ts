import { beforeEach, describe, expect, it, vi } from 'vitest';

const sentry = vi.hoisted(() => ({
  loaded: false,
  init: vi.fn(),
  captureException: vi.fn(),
  close: vi.fn(async () => true),
}));
vi.mock('@sentry/node', () => {
  sentry.loaded = true;
  return { init: sentry.init, captureException: sentry.captureException, close: sentry.close };
});

describe('error reporting', () => {
  beforeEach(() => {
    vi.resetModules();
    sentry.loaded = false;
    vi.clearAllMocks();
  });

  it('loads nothing without a DSN, and reporting and stopping do nothing', async () => {
    const reporter = await import('./error-reporter.js');
    expect(await reporter.startErrorReporting(undefined, 'production')).toBe(false);
    reporter.reportError(new Error('boom'), { tags: { requestId: 'r1' } });
    await reporter.stopErrorReporting(10);
    expect(sentry.loaded).toBe(false);
    expect(sentry.captureException).not.toHaveBeenCalled();
  });

  it('starts Sentry with the DSN and sends each reported error with its tags', async () => {
    const reporter = await import('./error-reporter.js');
    expect(await reporter.startErrorReporting('https://key@sentry.example/1', 'production')).toBe(true);
    expect(sentry.init).toHaveBeenCalledWith({
      dsn: 'https://key@sentry.example/1',
      environment: 'production',
    });
    const error = new Error('boom');
    reporter.reportError(error, { tags: { requestId: 'r1' } });
    expect(sentry.captureException).toHaveBeenCalledWith(error, { tags: { requestId: 'r1' } });
    await reporter.stopErrorReporting(10);
    expect(sentry.close).toHaveBeenCalledWith(10);
  });
});
