// Checkpoints of a training run on disk: ModelCheckpoint saves one after every epoch (or only when the
// monitored value improves), loadTrainingState reads it back for fit({ resumeFrom }). Each save is atomic
// (temporary file, then rename), so killing the process mid-save leaves the previous checkpoint loadable.
import type { Module } from '../nn/module.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import type { JsonValue } from '../io/json-value.js';
import type { Callback } from '../train/callbacks.js';
import type { EpochLogs } from '../train/history.js';
import { Monitor, type MonitorOptions } from '../train/monitor.js';
import type { AnyOptimizer, TrainingContext } from '../train/training-context.js';
import { type TrainingProgress, type TrainingState, checkTrainingProgress } from '../train/training-state.js';
import { loadCheckpoint, saveCheckpoint } from './weights-files.js';

export interface ModelCheckpointOptions extends MonitorOptions {
  /** Save only when the monitored value (default 'valLoss') beats the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /** What the run trains (e.g. a detector's description), saved in every checkpoint; loadTrainingState returns it as `runInfo`. */
  runInfo?: JsonValue;
}

export class ModelCheckpoint implements Callback {
  readonly saveBestOnly: boolean;
  readonly runInfo: JsonValue | undefined;
  private readonly monitor: Monitor;
  private best: number | undefined;

  constructor(
    readonly path: string,
    options: ModelCheckpointOptions = {},
  ) {
    if (typeof path !== 'string' || path === '') throw new Error(`ModelCheckpoint: path must be a file name, got ${JSON.stringify(path)}`);
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.runInfo = options.runInfo;
    this.monitor = new Monitor(options, 'ModelCheckpoint');
  }

  /** The best value so far comes from the history, so a resumed run does not overwrite a better checkpoint. */
  onTrainBegin(context: TrainingContext): void {
    this.best = undefined;
    if (!this.saveBestOnly) return;
    for (const logs of context.history) this.isBest(logs);
  }

  async onEpochEnd(logs: EpochLogs, context: TrainingContext): Promise<void> {
    if (this.saveBestOnly && !this.isBest(logs)) return;
    await saveTrainingState(this.path, context.model, context.optimizer, context.progress(), this.runInfo);
  }

  private isBest(logs: EpochLogs): boolean {
    const value = this.monitor.valueIn(logs, 'ModelCheckpoint');
    if (!this.monitor.improves(value, this.best)) return false;
    this.best = value;
    return true;
  }
}

/** Write model, optimiser and progress as one checkpoint file (safetensors), atomically. */
export async function saveTrainingState(path: string, model: Module, optimizer: AnyOptimizer, progress: TrainingProgress, runInfo?: JsonValue): Promise<void> {
  const extra: Record<string, JsonValue> = { history: JSON.parse(JSON.stringify(progress.history)) as JsonValue };
  if (progress.scheduler) extra.scheduler = { ...progress.scheduler };
  if (runInfo !== undefined) extra.runInfo = runInfo;
  await saveCheckpoint(path, {
    model,
    optimizerState: optimizer.stateDict(),
    epoch: progress.epoch,
    step: progress.step,
    rng: { seed: progress.seed },
    extra,
  });
}

/** Read a checkpoint written by ModelCheckpoint, ready for fit(model, loader, { resumeFrom }). */
export async function loadTrainingState(path: string): Promise<TrainingState> {
  const checkpoint = await loadCheckpoint(path);
  const where = `loadTrainingState('${path}')`;
  if (!checkpoint.optimizerState) throw new Error(`${where}: the checkpoint has no optimiser state, so training cannot resume from it (load it with loadWeights instead)`);
  const rng = checkpoint.rng as { seed?: unknown } | undefined;
  const extra = checkpoint.extra ?? {};
  const progress = checkTrainingProgress(
    { epoch: checkpoint.epoch, step: checkpoint.step, seed: rng?.seed, history: extra.history, scheduler: extra.scheduler ?? undefined },
    where,
  );
  return { model: checkpoint.model, optimizer: checkpoint.optimizerState as OptimizerStateDict, progress, ...(extra.runInfo !== undefined ? { runInfo: extra.runInfo } : {}) };
}
