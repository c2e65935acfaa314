import type { ModelVariables } from '@runge/architectures';
import type { Dataset } from '@runge/datasets';
import type { TensorTree } from '@runge/tensor-ops';
import {
  type ApplyFn,
  type Batch,
  classification,
  evaluateClassifier,
  type TrainingProblem,
  tensorSource,
} from '@runge/train';
import type { RunConfig } from './config.js';
import type { RunData } from './data.js';
import type { RunModel } from './model.js';
import { augmentOf, optimizerOf, scheduleOf } from './training-settings.js';

/** How a trained model did on a dataset. */
export interface TaskEvaluation {
  /** The task's loss, averaged over the examples. */
  readonly loss: number;
  /** Further figures by name (e.g. `accuracy`), in the order to report them. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Number of examples evaluated. */
  readonly examples: number;
  /** A classifier's confusion matrix (rows: true class, columns: predicted). */
  readonly confusion?: readonly (readonly number[])[];
}

/**
 * What a run learns (`task` of the run configuration): the training problem `fit` of
 * @runge/train optimises, and how a trained model is judged. `runge train`, `resume` and `eval`
 * go through it, so a new kind of run (regression, a generator and a critic, a VAE) is a new
 * entry of {@link TASKS} with its own problem (one or several players) and evaluation.
 */
export interface RunTask {
  /** The task's name in run configurations. */
  readonly name: RunConfig['task'];
  /** The problem to optimise, from the run's model, its initial variables and settings. */
  problem(
    config: RunConfig,
    model: RunModel,
    init: ModelVariables,
    data: RunData,
  ): TrainingProblem<Batch>;
  /** Judges trained variables (`params` and `state` of the forward pass `apply`) on `data`. */
  evaluate(apply: ApplyFn, params: TensorTree, state: TensorTree, data: Dataset): TaskEvaluation;
}

const classificationTask: RunTask = {
  name: 'classification',
  problem(config, model, init, data) {
    const augment = augmentOf(config, data.train.x.rank);
    return classification({
      apply: model.apply,
      params: init.params,
      ...(init.state ? { state: init.state } : {}),
      ...(augment ? { augment } : {}),
      optimizer: optimizerOf(config),
      learningRate: scheduleOf(config),
      ...(config.train.clipNorm !== undefined ? { clipNorm: config.train.clipNorm } : {}),
      ...(config.train.weightDecay > 0 ? { weightDecay: config.train.weightDecay } : {}),
    });
  },
  evaluate(apply, params, state, data) {
    const result = evaluateClassifier(apply, params, state, tensorSource(data));
    return {
      loss: result.loss,
      metrics: { accuracy: result.accuracy },
      examples: result.examples,
      confusion: result.confusion,
    };
  },
};

/** Every task a run configuration can name. */
export const TASKS: Readonly<Record<RunConfig['task'], RunTask>> = {
  classification: classificationTask,
};

/** The task of a run configuration. */
export function taskOf(config: Pick<RunConfig, 'task'>): RunTask {
  return TASKS[config.task];
}

/** The flat record of an evaluation that run summaries keep: `{ loss, ...metrics, examples }`. */
export function evaluationRecord(evaluation: TaskEvaluation): {
  readonly loss: number;
  readonly examples: number;
  readonly [metric: string]: number;
} {
  return { loss: evaluation.loss, ...evaluation.metrics, examples: evaluation.examples };
}

/** `accuracy 97.60%, loss 0.0868`: a task evaluation in one line. */
export function formatEvaluation(evaluation: TaskEvaluation): string {
  const metrics = Object.entries(evaluation.metrics).map(([name, value]) =>
    name.includes('accuracy')
      ? `${name} ${(100 * value).toFixed(2)}%`
      : `${name} ${value.toPrecision(4)}`,
  );
  return [...metrics, `loss ${evaluation.loss.toFixed(4)}`].join(', ');
}
