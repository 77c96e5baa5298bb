import type { ResidentNetwork } from './backend/types.js';
import type { Objective } from './optim/types.js';

/**
 * The objective a training minimises, on a network bound to its m examples:
 *   J(Θ) = (1/m)·Σᵢ loss(xᵢ, yᵢ) + λ/(2m)·‖Θ‖²   (bias columns left out of the penalty).
 * A minibatch B of rows (adam, sgd) estimates it by (1/|B|)·Σ_{i∈B} loss(xᵢ, yᵢ) + λ/(2m)·‖Θ‖², so λ means the
 * same at every batch size. A backend evaluates `rows` as if they were its whole data set (penalty λ'/(2|B|)),
 * hence λ' = λ·|B|/m below.
 */
export function objectiveOf(net: ResidentNetwork, lambda: number): Objective {
  return (x, grad, rows) => net.costGradient(x, rows ? (lambda * rows.length) / net.m : lambda, grad, rows);
}
