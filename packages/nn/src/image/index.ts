// Pictures: PNG in and out, the seed's hidden-layer plot, the course's displayData grid, cost curves, confusion
// counts, and picture → network input. Everything here is also exported from '@backprop/nn'.
export { ImageError } from './errors.js';
export { type GrayImage, type InputShape, gridSize, tileGrid, upscale, pixelIndex } from './raster.js';
export {
  encodePng,
  decodePng,
  grayToPng,
  MAX_DECODE_PIXELS,
  MAX_DECODE_SIDE,
  MAX_PNG_PIXELS,
  type EncodeOptions,
} from './png.js';
export {
  hiddenLayerGrid,
  hiddenLayerPng,
  HIDDEN_LAYER_MAX_PIXELS,
  type HiddenLayerSource,
  type HiddenLayerOptions,
  type HiddenLayerPicture,
} from './hidden-layer.js';
export { displayDataGrid, displayDataPng, displayDataRows, type DisplayDataOptions } from './display-data.js';
export { costCurveSvg, type CurvePoint, type CostCurveOptions } from './cost-curve.js';
export { confusionMatrix, classMetrics, displayOrder, type ConfusionMatrix, type ClassMetrics } from './confusion.js';
export { imageToInput } from './input.js';
export { defaultBox, rgbaToGray, PreprocessError, type PreprocessOptions } from './preprocess.js';
