// A Siamese network is one embedding network applied to both inputs of a pair, so both go through the
// same weights (one set of parameters). Its similarity is learned with the triplet or contrastive loss on the
// embeddings, or as binary classification by SiameseBinaryHead: y = sigmoid(sum_k w_k |f(x_i)_k - f(x_j)_k| + b).
import type { Tensor } from '../tensor/tensor.js';
import type { Generator } from '../util/random.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers.js';
import { abs, sub } from '../ops/arithmetic.js';
import { reshape } from '../ops/movement.js';
import { checkEmbeddings } from './metric-losses.js';

export class SiameseNetwork extends Module<[Tensor, Tensor], [Tensor, Tensor]> {
  /** embedding maps a batch of inputs to embeddings [N, D]. */
  constructor(readonly embedding: Module<[Tensor], Tensor>) {
    super();
  }

  /** [f(x1), f(x2)], both through the one embedding network. */
  forward(x1: Tensor, x2: Tensor): [Tensor, Tensor] {
    return [this.embedding.forward(x1), this.embedding.forward(x2)];
  }
}

/**
 * The binary head of a Siamese network: sum_k w_k |f1_k - f2_k| + b for embeddings [N, D], as logits [N]
 * (train with binaryCrossEntropyWithLogits against 1 = same, 0 = different; sigmoid gives y).
 */
export class SiameseBinaryHead extends Module<[Tensor, Tensor], Tensor> {
  readonly linear: Linear;

  constructor(readonly embeddingSize: number, options: { generator?: Generator } = {}) {
    super();
    this.linear = new Linear(embeddingSize, 1, options);
  }

  forward(f1: Tensor, f2: Tensor): Tensor {
    checkEmbeddings('SiameseBinaryHead', { f1, f2 });
    if (f1.shape[1] !== this.embeddingSize) throw new Error(`SiameseBinaryHead(${this.embeddingSize}): embeddings [${f1.shape}] have ${f1.shape[1]} features, expected ${this.embeddingSize}`);
    return reshape(this.linear.forward(abs(sub(f1, f2))), [f1.shape[0]]);
  }

  override extraRepr(): string {
    return `${this.embeddingSize}`;
  }
}
