// fit(): the training loop. For each epoch: reseed, then for each batch forward, loss, backward, optional
// gradient clipping, optimiser step; then validation, the learning-rate schedule and the callbacks. A callback
// that sets context.stopTraining in onBatchEnd ends the epoch there (it is validated and logged, shorter).
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../ops/loss.js';
import { clipGradNorm, gradNorm } from '../optim/clip-grad.js';
import type { LRScheduler } from '../optim/lr-scheduler.js';
import { defaultGenerator, type Generator } from '../util/random.js';
import { type Callback, CallbackList } from './callbacks.js';
import { EpochStats } from './epoch-stats.js';
import { evaluate, switchMode } from './evaluate.js';
import { type EpochLogs, type History, validationName } from './history.js';
import { EventLoopYielder, type Loader, type LossFunction } from './loader.js';
import { NON_FINITE_POLICIES, type NonFinitePolicy, type NonFiniteValue, nonFiniteStepError } from './non-finite.js';
import type { MetricSpec } from './metrics.js';
import { generatorsOf, seedEpoch } from './seeding.js';
import type { AnyOptimizer, TrainingContext } from './training-context.js';
import { type TrainingState, checkTrainingProgress } from './training-state.js';

export interface FitOptions {
  /** The epoch to train up to (counting from 1; when resuming, epochs already done count). */
  epochs: number;
  optimizer: AnyOptimizer;
  /** Default: softmax cross-entropy from logits. */
  loss?: LossFunction;
  /** Default: ['accuracy']. */
  metrics?: readonly MetricSpec[];
  /** Evaluated after every epoch; its results appear as valLoss, valAccuracy, ... */
  validation?: Loader;
  callbacks?: readonly Callback[];
  /** A learning-rate schedule (StepLR, CosineAnnealingLR, ...), stepped after every epoch. */
  scheduler?: LRScheduler;
  /** Rescale gradients so their global L2 norm is at most this before each step. */
  clipGradNorm?: number;
  /** Seed for shuffling and dropout (default: drawn from the global generator, so manualSeed fixes it). */
  seed?: number;
  /** Generators reseeded each epoch (default: the global one and the loader's). */
  generators?: readonly Generator[];
  /**
   * What a non-finite loss or gradient norm does (default 'stop'): 'stop' throws before the optimiser step,
   * naming the epoch, step and batch, so the weights (and any checkpoint) stay the last good ones; 'skip'
   * skips that batch's step (counted in the epoch's skippedBatches); 'continue' steps anyway, as PyTorch.
   */
  nonFinite?: NonFinitePolicy;
  /** Continue a saved run: weights, optimiser, epoch, step, seed and history are restored first. */
  resumeFrom?: TrainingState;
}

export async function fit(model: Module, trainLoader: Loader, options: FitOptions): Promise<History> {
  checkFitOptions(model, trainLoader, options);
  const { optimizer, scheduler } = options;
  const lossFn = options.loss ?? crossEntropy;
  const metricSpecs = options.metrics ?? ['accuracy'];
  const callbacks = new CallbackList(options.callbacks ?? []);
  const generators = options.generators ?? generatorsOf(trainLoader);
  const policy = options.nonFinite ?? 'stop';

  let seed = options.seed ?? defaultGenerator().nextUint32();
  let epoch = 0;
  let step = 0;
  const history: EpochLogs[] = [];
  if (options.resumeFrom) {
    const progress = checkTrainingProgress(options.resumeFrom.progress, 'fit (resumeFrom)');
    if (progress.epoch > options.epochs) {
      throw new Error(`fit (resumeFrom): the checkpoint has trained ${progress.epoch} epochs, more than the ${options.epochs} asked for (epochs counts every epoch of the run, those done included)`);
    }
    if (scheduler && !progress.scheduler) {
      throw new Error('fit (resumeFrom): the checkpoint has no learning-rate schedule state, but a scheduler was given; resume without one or from a run that had one');
    }
    model.loadStateDict(options.resumeFrom.model);
    optimizer.loadStateDict(options.resumeFrom.optimizer);
    if (scheduler && progress.scheduler) scheduler.loadStateDict(progress.scheduler);
    ({ seed, epoch, step } = progress);
    history.push(...progress.history);
  }

  const initialEpoch = epoch;
  const context: TrainingContext = {
    model,
    optimizer,
    epochs: options.epochs,
    initialEpoch,
    stepsPerEpoch: trainLoader.length,
    samplesPerEpoch: trainLoader.dataset?.length,
    history,
    stopTraining: false,
    progress: () => ({ epoch, step, seed, history: history.map((e) => ({ ...e })), scheduler: scheduler?.stateDict() }),
  };
  const yielder = new EventLoopYielder();
  const restoreModes = switchMode(model, true);
  try {
    await callbacks.trainBegin(context);
    while (epoch < options.epochs && !context.stopTraining) {
      const current = epoch + 1;
      seedEpoch(generators, seed, current);
      await callbacks.epochBegin(current, context);
      const started = Date.now();
      const lr = optimizer.paramGroups[0].lr;
      const stats = new EpochStats(metricSpecs);
      let batch = 0;
      let skipped = 0;
      for (const { x, y } of trainLoader) {
        optimizer.zeroGrad();
        const output = model.forward(x);
        const loss = lossFn(output, y);
        const batchLoss = loss.item();
        const checking = policy !== 'continue';
        let bad: NonFiniteValue | null = checking && !Number.isFinite(batchLoss) ? { what: 'loss', value: batchLoss } : null;
        if (!bad) {
          loss.backward();
          const parameters = model.parameters();
          const norm = options.clipGradNorm !== undefined ? clipGradNorm(parameters, options.clipGradNorm) : checking ? gradNorm(parameters) : 0;
          if (checking && !Number.isFinite(norm)) bad = { what: 'gradient norm', value: norm };
        }
        if (bad) {
          if (policy === 'stop') throw nonFiniteStepError(bad, { epoch: current, step: step + 1, batch: batch + 1, batches: trainLoader.length, lr, x });
          batch++;
          skipped++;
          continue;
        }
        optimizer.step();
        step++;
        batch++;
        stats.update(batchLoss, output, y);
        await callbacks.batchEnd(
          { epoch: current, batch, batches: trainLoader.length, samples: stats.samples, loss: stats.loss, batchLoss, metrics: stats.metricValues() },
          context,
        );
        await yielder.maybeYield();
        if (context.stopTraining) break; // a callback's time budget ran out mid-epoch
      }
      if (batch === 0) throw new Error(`fit: the training loader gave no batches in epoch ${current}`);
      if (skipped === batch) throw new Error(`fit: every batch of epoch ${current} (${batch}) had a non-finite loss or gradient norm and was skipped`);
      const logs: EpochLogs = { epoch: current, loss: stats.loss, ...stats.metricValues(), lr, seconds: 0, ...(skipped ? { skippedBatches: skipped } : {}) };
      if (options.validation) {
        const { samples: _samples, nonFiniteOutputs: _nonFinite, ...val } = await evaluate(model, options.validation, { loss: lossFn, metrics: metricSpecs });
        for (const [name, value] of Object.entries(val)) logs[validationName(name)] = value;
      }
      logs.seconds = (Date.now() - started) / 1000;
      scheduler?.step();
      epoch = current;
      history.push(logs);
      await callbacks.epochEnd(logs, context);
    }
    const result: History = { epochs: history, stoppedEarly: epoch < options.epochs };
    await callbacks.trainEnd(result, context);
    return result;
  } catch (error) {
    await callbacks.trainError(error, context);
    throw error;
  } finally {
    restoreModes();
  }
}

function checkFitOptions(model: Module, loader: Loader, options: FitOptions): void {
  const problems: string[] = [];
  if (!options || typeof options !== 'object') throw new Error('fit: options { epochs, optimizer, ... } are required');
  if (!Number.isInteger(options.epochs) || options.epochs < 1) problems.push(`epochs must be a positive integer, got ${options.epochs}`);
  if (!options.optimizer || typeof options.optimizer.step !== 'function') problems.push('optimizer is required (e.g. new Adam(model.parameters(), { lr: 1e-3 }))');
  if (!loader || typeof (loader as Iterable<unknown>)[Symbol.iterator] !== 'function') problems.push('the training loader must be iterable (a DataLoader)');
  if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0)) problems.push(`clipGradNorm must be a positive number, got ${options.clipGradNorm}`);
  if (options.nonFinite !== undefined && !NON_FINITE_POLICIES.includes(options.nonFinite)) {
    problems.push(`nonFinite must be one of ${NON_FINITE_POLICIES.map((p) => `'${p}'`).join(', ')}, got ${JSON.stringify(options.nonFinite)}`);
  }
  if (options.seed !== undefined && (!Number.isInteger(options.seed) || options.seed < 0)) problems.push(`seed must be a non-negative integer, got ${options.seed}`);
  if (model.parameters().every((p) => !p.requiresGrad)) problems.push('every parameter of the model is frozen: nothing to train');
  if (problems.length) throw new Error(`fit: ${problems.join('; ')}`);
}
