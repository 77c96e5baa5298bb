// Data: MAT-files, IDX, CSV and the built-in data sets. Re-exported from the package root by src/index.ts.
export {
  readMat,
  readMatFile,
  writeMat,
  writeMatFile,
  MatFileError,
  type MatErrorCode,
  type MatClass,
  type MatFile,
  type MatVariable,
  type ReadMatOptions,
  type SkippedVariable,
  type WriteMatOptions,
} from './mat/index.js';
export { idxDims, readIdx, readIdxFile, type IdxArray, type IdxData, type IdxType, type ReadIdxOptions } from './idx.js';
export { DataFormatError, DatasetError, DataFileError } from './errors.js';
export {
  DIGIT_LABEL_NAMES,
  datasetChecksum,
  isLabelled,
  labelOfDigit,
  makeDataset,
  type Dataset,
  type DatasetParts,
  type ExampleSet,
  type ImageShape,
} from './dataset.js';
export { formatCsv, parseCsv, parseCsvExamples, readCsvExamples, readCsvFile, MAX_CSV_BYTES, type CsvOptions } from './csv.js';
export { writeIdx } from './idx-write.js';
export { idxLabelsCandidates, isIdxDataPath, loadIdxDataset, type LoadIdxDatasetOptions } from './idx-dataset.js';
export { LABEL_RULES, type LabelMapping, type LabelRule } from './label-mapping.js';
export { pixelPermutation, squareShape, withPixelOrder } from './pixel-order.js';
export { splitDataset, subsetDataset, type DatasetSplit, type SplitOptions } from './split.js';
export { loadMnist, mnistDataDir, type MnistSplit } from './mnist.js';
export { DIGITS5000_CHECKSUM, loadDigits5000, rebuildDigits5000 } from './digits5000.js';
export {
  BUILTIN_DATASETS,
  loadDataset,
  loadExamples,
  loadMatDataset,
  type BuiltinDatasetName,
  type LoadDatasetOptions,
} from './datasets.js';
