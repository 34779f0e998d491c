import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { captureLogger } from './captureLogger';
import { temporaryFolder } from './repositories';

/**
 * A mock action context with what the real one has and the mock lacks: real temporary
 * folders, a dry-run flag (`createMockActionContext` drops `isDryRun`), and every log
 * line and output kept for assertions.
 */
export async function actionContext(
  input: Record<string, unknown>,
  options: { isDryRun?: boolean; workspacePath?: string } = {},
) {
  const { logger, lines } = captureLogger();
  const outputs: Record<string, unknown> = {};
  const base = createMockActionContext({
    input: input as any,
    logger,
    workspacePath: options.workspacePath ?? (await temporaryFolder('zt-ws-')),
    user: { ref: 'user:default/guest' },
  });
  const ctx = {
    ...base,
    isDryRun: options.isDryRun,
    createTemporaryDirectory: () => temporaryFolder('zt-task-'),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
  };
  return { ctx, lines, outputs };
}

/** Runs an action's handler with such a context. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
  options: { isDryRun?: boolean; workspacePath?: string } = {},
) {
  const context = await actionContext(input, options);
  await action.handler(context.ctx as any);
  return context;
}
