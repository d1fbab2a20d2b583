// Inference over data: evaluate() averages loss and metrics over a loader, predict() gives the outputs for
// a tensor of inputs. Both run in eval mode (dropout off, batch norm on running statistics) without
// recording gradients, and put the model back in the mode it was in.
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy } from '../ops/loss.js';
import { softmax } from '../ops/activation.js';
import { concat, narrow } from '../ops/movement.js';
import { formatShape } from '../tensor/shape.js';
import type { MetricSpec } from './metrics.js';
import { EpochStats } from './epoch-stats.js';
import { countNonFiniteRows } from './non-finite.js';
import { EventLoopYielder, type Loader, type LossFunction } from './loader.js';

export interface EvaluateOptions {
  loss?: LossFunction;
  metrics?: readonly MetricSpec[];
}

/**
 * Mean loss and metrics over every sample of the loader, e.g. { loss: 0.03, accuracy: 0.991, samples: 10000,
 * nonFiniteOutputs: 0 }. nonFiniteOutputs counts the samples whose output holds NaN or ±Infinity: anything
 * but 0 means the model (its weights, or its input) is broken, whatever the metrics say.
 */
export interface EvaluationResult {
  loss: number;
  samples: number;
  nonFiniteOutputs: number;
  [metric: string]: number;
}

export async function evaluate(model: Module, loader: Loader, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const lossFn = options.loss ?? crossEntropy;
  const stats = new EpochStats(options.metrics ?? ['accuracy']);
  const yielder = new EventLoopYielder();
  const restoreModes = switchToEval(model);
  let nonFiniteOutputs = 0;
  try {
    for (const { x, y } of loader) {
      noGrad(() => {
        const output = model.forward(x);
        stats.update(lossFn(output, y).item(), output, y);
        nonFiniteOutputs += countNonFiniteRows(output);
      });
      await yielder.maybeYield();
    }
  } finally {
    restoreModes();
  }
  if (stats.samples === 0) throw new Error('evaluate: the loader gave no batches');
  return { loss: stats.loss, ...stats.metricValues(), samples: stats.samples, nonFiniteOutputs };
}

export interface PredictOptions {
  /** Samples per forward pass (default 256). */
  batchSize?: number;
  /** 'probabilities' (softmax over the last axis, the default) or the raw 'logits'. */
  output?: 'probabilities' | 'logits';
}

/** The model's outputs for x [N, ...] in batches: probabilities [N, classes] by default. */
export function predict(model: Module, x: Tensor, options: PredictOptions = {}): Tensor {
  const batchSize = options.batchSize ?? 256;
  const output = options.output ?? 'probabilities';
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`predict: batchSize must be a positive integer, got ${batchSize}`);
  if (output !== 'probabilities' && output !== 'logits') throw new Error(`predict: output must be 'probabilities' or 'logits', got '${String(output)}'`);
  if (x.ndim < 1 || x.shape[0] === 0) throw new Error(`predict: input ${formatShape(x.shape)} must have a non-empty batch axis`);
  const restoreModes = switchToEval(model);
  try {
    return noGrad(() => {
      const parts: Tensor[] = [];
      for (let start = 0; start < x.shape[0]; start += batchSize) {
        const logits = model.forward(narrow(x, 0, start, Math.min(batchSize, x.shape[0] - start)));
        parts.push(output === 'logits' ? logits : softmax(logits, -1));
      }
      return parts.length === 1 ? parts[0] : concat(parts, 0);
    });
  } finally {
    restoreModes();
  }
}

/** Put every module in eval mode; returns a function that gives each back its own mode (a fine-tuning run may
 * keep some layers, such as frozen batch norms, in eval mode on purpose). */
export function switchToEval(model: Module): () => void {
  return switchMode(model, false);
}

/** Put model and every submodule in training (or eval) mode; the returned function restores each one's own mode. */
export function switchMode(model: Module, training: boolean): () => void {
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.train(training);
  return () => {
    for (const [m, mode] of modes) m.training = mode;
  };
}
