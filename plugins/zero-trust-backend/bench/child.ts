import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** Runs a bench script as TypeScript, as `yarn bench` runs this one. */
const transform = [
  '-r',
  require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
];

/** A child process answering typed messages (`{ type }` in, `{ type, ... }` back). */
export class Child {
  constructor(readonly process: ChildProcess) {}

  static async start(
    script: string,
    args: string[],
    execArgv: string[] = [],
    start?: object,
  ): Promise<{ child: Child; ready: any }> {
    const child = fork(path.join(__dirname, script), args, {
      execArgv: [...transform, ...execArgv],
    });
    if (start) child.send({ type: 'start', ...start });
    const ready = await new Promise<any>((resolve, reject) => {
      const onExit = (code: number) =>
        reject(new Error(`${script} exited ${code}`));
      const onMessage = (message: any) => {
        if (message?.type !== 'ready') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    return { child: new Child(child), ready };
  }

  ask(message: { type: string; object?: object }): Promise<any> {
    const answer = message.type === 'apply' ? 'applied' : message.type;
    return new Promise(resolve => {
      const onMessage = (m: any) => {
        if (m?.type !== answer) return;
        this.process.off('message', onMessage);
        resolve(m);
      };
      this.process.on('message', onMessage);
      this.process.send(message);
    });
  }

  async close(): Promise<void> {
    if (this.process.exitCode !== null) return;
    await new Promise(resolve => {
      this.process.once('exit', resolve);
      this.process.send({ type: 'close' });
    });
  }
}
