import { type LoggerOptions, pino } from 'pino';
import type { Config } from './config.js';

/** pino level → Google Cloud Logging severity, so log-based alerts and filters work unchanged. */
const SEVERITY: Record<string, string> = { trace: 'DEBUG', warn: 'WARNING', fatal: 'CRITICAL' }; // else the same

export function loggerOptions(config: Pick<Config, 'LOG_LEVEL'>): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    messageKey: 'message',
    base: { service: 'tilestack-api' },
    formatters: { level: (label) => ({ severity: SEVERITY[label] ?? label.toUpperCase(), level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
}

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>) {
  return pino(loggerOptions(config));
}
