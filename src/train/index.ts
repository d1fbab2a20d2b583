// convkit training: fit/evaluate/predict, metrics and the browser-safe callbacks (the Node-only ones,
// ProgressBar, ModelCheckpoint and jsonLog, are in convkit/node).
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { fit, type FitOptions } from './fit.js';
export { NON_FINITE_POLICIES, type NonFinitePolicy } from './non-finite.js';
export { evaluate, predict, switchToEval, switchMode, type EvaluateOptions, type EvaluationResult, type PredictOptions } from './evaluate.js';
export { type Callback, CallbackList } from './callbacks.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { timeLimit } from './time-limit.js';
export { Monitor, type MonitorOptions, type MonitorMode } from './monitor.js';
export { Accuracy, createMetrics, type Metric, type MetricSpec } from './metrics.js';
export { type BatchLogs, type EpochLogs, type History, seriesOf, validationName } from './history.js';
export { type Loader, type LossFunction } from './loader.js';
export { type TrainingContext, type AnyOptimizer } from './training-context.js';
export { type TrainingProgress, type TrainingState, checkTrainingProgress } from './training-state.js';
export { epochSeed } from './seeding.js';
export * from './transfer.js';
export { parseClassSelection, selectClasses, type ParseClassSelectionOptions, type SelectClassesOptions } from './class-selection.js';
export { loadPretrained, HeadMismatchError, type LoadPretrainedOptions } from './load-pretrained.js';
export { runSettingsDifferences, type RunSettings } from './run-settings.js';
