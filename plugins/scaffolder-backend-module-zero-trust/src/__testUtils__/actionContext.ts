import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { captureLogger } from './captureLogger';
import { temporaryFolder } from './repositories';

/**
 * A mock action context with what the real one has and the mock lacks: real temporary
 * folders, a dry-run flag (`createMockActionContext` drops `isDryRun`), and every log
 * line and output kept for assertions.
 */
export interface ActionContextOptions {
  isDryRun?: boolean;
  workspacePath?: string;
  /**
   * The task's stored checkpoints, shared between runs to play a retried task: a key
   * already there returns its value without running the side effect again.
   */
  checkpoints?: Map<string, unknown>;
}

export async function actionContext(
  input: Record<string, unknown>,
  options: ActionContextOptions = {},
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
    ...(options.checkpoints && {
      checkpoint: async (opts: { key: string; fn: () => Promise<unknown> }) => {
        const store = options.checkpoints!;
        if (!store.has(opts.key)) {
          store.set(
            opts.key,
            JSON.parse(JSON.stringify((await opts.fn()) ?? null)),
          );
        }
        return store.get(opts.key) ?? undefined;
      },
    }),
  };
  return { ctx, lines, outputs };
}

/** Runs an action's handler with such a context. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
  options: ActionContextOptions = {},
) {
  const context = await actionContext(input, options);
  await action.handler(context.ctx as any);
  return context;
}
