import { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that keeps every line (message and fields), children included. */
export function captureLogger(): { logger: LoggerService; lines: string[] } {
  const lines: string[] = [];
  const make = (fields: object): LoggerService => {
    const log = (level: string) => (message: string, meta?: Error | object) => {
      const extra =
        meta instanceof Error
          ? `${meta.message} ${meta.stack}`
          : JSON.stringify(meta ?? {});
      lines.push(`${level} ${message} ${extra} ${JSON.stringify(fields)}`);
    };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: more => make({ ...fields, ...more }),
    };
  };
  return { logger: make({}), lines };
}
