// @backprop/nn — the typed library. One import for everything a user needs; each concern lives in its own module.
export * from './errors.js';
export * from './matrix.js';
export { Rng } from './random.js';
export { sigmoid, sigmoidGradient, sigmoidAll, sigmoidGradientAll, softplus } from './sigmoid.js';
export { oneHot, argmaxLabels, accuracyOf } from './labels.js';
export {
  checkLayers,
  checkTheta,
  parameterCount,
  thetaShapes,
  thetaOffsets,
  type LayerSizes,
} from './network/layers.js';
export { serialize, deserialize, layersOf } from './network/serialize.js';
export { randomInit, checkInitScheme, layerSchemes, INIT_SCHEMES, type InitOptions, type InitScheme } from './network/init.js';
export { feedForward, type ForwardPass } from './network/forward.js';
export {
  HIDDEN_ACTIVATIONS,
  OUTPUT_ACTIVATIONS,
  DEFAULT_LEAKY_SLOPE,
  seedActivations,
  isSeedNetwork,
  checkActivations,
  resolveActivations,
  describeNetwork,
  type ActivationOptions,
  type Activations,
  type HiddenActivation,
  type OutputActivation,
} from './network/activations.js';
export { cost, gradient, costGradient, bindNetwork, targetsMatrix, type Targets, type CostOptions } from './cost.js';
export {
  predict,
  scores,
  scoresAsync,
  probabilities,
  probabilitiesAsync,
  normalizeScores,
  probabilitiesOf,
  predictionsOf,
  accuracy,
  type PredictOptions,
  type Prediction,
} from './predict.js';
export {
  Classifier,
  NotFittedError,
  encodeLabels,
  type ClassifierOptions,
  type FitOptions,
  type Examples,
  type Labels,
  type LabelledData,
} from './classifier.js';
export { SEED, type Preset } from './presets.js';
export { DTYPES, checkDtype, type Dtype } from './network/dtype.js';
export { gradientCheck, debugInitializeWeights, GRADCHECK, type GradientCheckResult } from './gradcheck.js';
export { checkTrainingSize, checkGradientCheckSize, GRADCHECK_MAX_WORK, MAX_EVALUATIONS, MAX_EPOCHS, MAX_BATCH_SIZE, trainingSize, formatBytes, parseBytes, machineMemory, NetworkSizeError, MAX_TYPED_ARRAY_LENGTH, TS_MAX_VECTOR, type TrainingSize, type TrainingSizeRequest } from './size.js';
export { getBackend, resolveBackend, backendInfo, type BackendInfo } from './backend/select.js';
/** Largest thread count accepted anywhere (setThreads, --threads, BACKPROP_THREADS, BACKPROP_TS_THREADS). */
export { MAX_THREADS } from './backend/ts/threads.js';
export type { Backend, BackendChoice, BackendName, ResidentNetwork } from './backend/types.js';
export {
  saveModel,
  loadModel,
  modelToJson,
  modelFromJson,
  modelThetas,
  thetaChecksum,
  ModelFormatError,
  MODEL_FORMAT,
  MODEL_VERSION,
  type Model,
  type TrainingSummary,
  type HistoryEntry,
} from './model/model.js';
export { saveCheckpoint, loadCheckpoint, CheckpointError, type Checkpoint } from './model/checkpoint.js';
export { exportOnnx, ONNX_OPSET, ONNX_DTYPES, type OnnxDtype, type OnnxExportOptions } from './model/onnx/export.js';
export { writeFileAtomic } from './model/atomic.js';
export { FileWriteError, checkWritableFile, checkWritableDirectory, makeDirectory, fsReason, SYSTEM_ERROR_WORDS } from './model/output-path.js';
export { train, dataChecksum, type TrainOptions, type TrainResult, type TrainProgress, type TrainingData, type NetworkSpec, type TrainMethod } from './train.js';
export * from './data/index.js';
export * from './optim/index.js';
export * from './image/index.js';
