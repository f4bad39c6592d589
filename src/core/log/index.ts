// The core's logger: structured JSON (pino) to a rotating file in the workspace folder, child loggers per domain, and
// the forwarding of worker threads' and child processes' records into the parent's file.
export { createLogger, domainLogger, LEVELS, logFileFor, memoryLogger, rootLogger, setRootLogger, silentLogger } from './logger'
export type { FileLogger, Logger, LoggerOptions, LogLevel, LogRecord } from './logger'
export { childLogger, forwardChildLogs, forwardWorkerLogs, isLogMessage, LOG_CHANNEL, workerLogger } from './forward'
export { addLogSecret, scrubSecrets } from './redact'
export { RotatingFile } from './rotating-file'
export type { RotatingFileOptions } from './rotating-file'
