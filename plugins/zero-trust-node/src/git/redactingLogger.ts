import { LoggerService } from '@backstage/backend-plugin-api';
import { Redactor } from './Redactor';

type Meta = Parameters<LoggerService['info']>[1];

function clean(redactor: Redactor, meta: Meta): Meta {
  if (meta === undefined) return undefined;
  if (meta instanceof Error) return redactor.scrub(meta);
  return JSON.parse(redactor.redact(JSON.stringify(meta)));
}

/** A logger that scrubs the action's secrets from every message and its fields. */
export function redactingLogger(
  logger: LoggerService,
  redactor: Redactor,
): LoggerService {
  const wrap =
    (level: 'error' | 'warn' | 'info' | 'debug') =>
    (message: string, meta?: Meta) =>
      logger[level](redactor.redact(message), clean(redactor, meta));
  return {
    error: wrap('error'),
    warn: wrap('warn'),
    info: wrap('info'),
    debug: wrap('debug'),
    child: fields => redactingLogger(logger.child(fields), redactor),
  };
}
