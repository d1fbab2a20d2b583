// Compile-time checks of Module<In, Out>, run by `npm run typecheck` (tsc over test/): each @ts-expect-error
// line must fail to compile, and the Equal checks must hold, or tsc reports this file. Nothing here runs.
import type { Tensor } from '../src/index.js';
import { Conv2d, Module, ReLU, Sequential, type AnyModule } from '../src/nn/index.js';
import { saveWeights } from '../src/node/index.js';
import { resnet18 } from '../src/models/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <T extends true>(): T => true as T;

class Pyramid extends Module<[Tensor], { p3: Tensor; p4: Tensor }> {
  forward(x: Tensor): { p3: Tensor; p4: Tensor } {
    return { p3: x, p4: x };
  }
}

class BoxHead extends Module<[Tensor], [boxes: Tensor, scores: Tensor]> {
  forward(x: Tensor): [boxes: Tensor, scores: Tensor] {
    return [x, x];
  }
}

class Pair extends Module<[Tensor, Tensor]> {
  forward(a: Tensor, b: Tensor): Tensor {
    return a.add(b);
  }
}

export function checks(x: Tensor): void {
  // Outputs are typed as declared.
  holds<Equal<ReturnType<Pyramid['forward']>, { p3: Tensor; p4: Tensor }>>();
  const [boxes, scores] = new BoxHead().forward(x);
  holds<Equal<typeof boxes, Tensor>>();
  holds<Equal<typeof scores, Tensor>>();
  // The defaults are today's modules: tensors in, one tensor out.
  holds<Equal<ReturnType<Conv2d['forward']>, Tensor>>();
  holds<Equal<ReturnType<ReturnType<typeof resnet18>['forward']>, Tensor>>();
  // @ts-expect-error a tuple is not a tensor
  const single: Tensor = new BoxHead().forward(x);
  // @ts-expect-error a record is not a tensor
  new Pyramid().forward(x).add(1);
  // @ts-expect-error Pair takes two tensors
  new Pair().forward(x);
  class WrongOutput extends Module<[Tensor], [Tensor, Tensor]> {
    // @ts-expect-error a forward must return the declared output
    forward(t: Tensor): Tensor {
      return t;
    }
  }
  // Sequential stays single-output: a multi-output child is refused, a plain one is taken.
  // @ts-expect-error BoxHead returns two tensors
  new Sequential(new Conv2d(3, 4, 3), new BoxHead());
  new Sequential(new Conv2d(3, 4, 3), new ReLU());
  // Every module is an AnyModule, which state helpers take.
  const any: AnyModule[] = [new Pyramid(), new BoxHead(), new Conv2d(3, 4, 3)];
  void saveWeights('w.safetensors', new Pyramid());
  void [single, WrongOutput, any];
}
