import { join, relative } from 'node:path';
import { costCurveSvg, describeNetwork, hiddenLayerPng, makeDirectory, saveModel, writeFileAtomic, type Model } from '@backprop/nn';
import { reasonOf } from './error-message.js';
import type { Evaluation } from './evaluation.js';
import { finalCostLabel } from './optimizer.js';
import { duration, percent } from './output.js';
import { classCells, confusionCells, markdownTable } from './tables.js';

export interface ReportInput {
  model: Model;
  /** What was asked for, in the user's words (option → value), shown as the settings table. */
  settings: Record<string, string | number | undefined>;
  /**
   * The confusion matrix and per-class figures come from this evaluation (test set, else validation, else
   * training); undefined when it could not be made (the report says so).
   */
  evaluation?: Evaluation;
  command: string;
  /** Where the model was also saved with --out, if elsewhere. */
  modelPath?: string;
}

/** The files written; a file that could not be written is absent, and `problems` says why. */
export interface ReportFiles {
  dir: string;
  report?: string;
  model?: string;
  /**
   * Why model.json (or the folder) could not be written: not passed to `warn`, the caller decides (keep the model
   * some other way, or warn when it is saved elsewhere). Its line is problems[0].
   */
  modelError?: unknown;
  costCurve?: string;
  hiddenLayer?: string;
  /** One line per part that could not be made or written, e.g. "hidden.png not written: …". */
  problems: string[];
}

/**
 * A training report in `dir`: model.json, cost.svg (cost per iteration, with accuracy when tracked), hidden.png
 * (the seed's hidden-layer picture, when the inputs are pictures) and report.md tying them together with the
 * settings, the results and the confusion matrix.
 *
 * It never throws: a finished training must not be lost to a side output. Each part that fails (a picture too
 * large to draw, a full disk) is left out, reported through `warn`, listed in report.md and in `problems`.
 */
export function writeReport(dir: string, input: ReportInput, warn: (line: string) => void = () => {}): ReportFiles {
  const { model, evaluation } = input;
  const t = model.training;
  const files: ReportFiles = { dir, problems: [] };
  const attempt = (what: string, make: () => void): boolean => {
    try {
      make();
      return true;
    } catch (err) {
      const line = `${what} not written: ${reasonOf(err)}`;
      files.problems.push(line);
      warn(line);
      return false;
    }
  };
  try {
    makeDirectory(dir);
  } catch (err) {
    files.modelError = err;
    files.problems.push(`report not written: ${reasonOf(err)}`);
    return files;
  }
  const modelFile = join(dir, 'model.json');
  try {
    saveModel(modelFile, model);
    files.model = modelFile;
  } catch (err) {
    files.modelError = err;
    files.problems.push(`model.json not written: ${reasonOf(err)}`);
  }
  const history = t?.history ?? [];
  const architecture = describeNetwork(model.layers, model.activations, model.dtype);
  if (history.length > 0) {
    const file = join(dir, 'cost.svg');
    const title = `${t?.dataset.name ?? 'data'} · ${architecture} · ${t?.method ?? ''} · λ = ${t?.lambda ?? '?'}`;
    if (attempt('cost.svg', () => writeFileAtomic(file, costCurveSvg(history, { title })))) files.costCurve = file;
  }
  if (model.inputShape) {
    const file = join(dir, 'hidden.png');
    if (attempt('hidden.png', () => writeFileAtomic(file, hiddenLayerPng(model)))) files.hiddenLayer = file;
  }

  const md: string[] = [];
  md.push(`# Training report: ${t?.dataset.name ?? 'model'} ${architecture}`, '');
  md.push(`Created ${model.createdAt ?? new Date().toISOString()} by \`${input.command}\`.`, '');
  md.push('## Settings', '');
  md.push(
    markdownTable({
      header: ['setting', 'value'],
      rows: Object.entries(input.settings)
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => [k, String(v)]),
    }, 'text'),
    '',
  );
  if (t) {
    md.push('## Result', '');
    const rows: [string, string][] = [
      ['status', `${t.status}: ${t.message}`],
      ['training accuracy', percent(t.trainAccuracy)],
    ];
    if (t.validationAccuracy !== undefined) rows.push(['validation accuracy', percent(t.validationAccuracy)]);
    if (t.testAccuracy !== undefined) rows.push(['test accuracy', percent(t.testAccuracy)]);
    rows.push(
      finalCost(t.method, t.cost, t.kept?.epoch),
      ['iterations', String(t.nit)],
      ['cost/gradient evaluations', String(t.nfev)],
      ['optimisation time', duration(t.seconds)],
      ['backend', t.backend],
      ['examples trained on', String(t.dataset.m)],
    );
    md.push(markdownTable({ header: ['result', ''], rows }, 'text'), '');
  }
  if (files.costCurve) {
    md.push('## Cost per iteration', '');
    const tracked = [
      history.some((h) => h.trainAccuracy !== undefined) ? 'the training set (dashed)' : '',
      history.some((h) => h.validationAccuracy !== undefined) ? 'the validation set (solid)' : '',
    ].filter(Boolean);
    md.push(
      (finalCostLabel(t?.method ?? '').note
        ? 'The mean minibatch cost (regularised) over each epoch (left axis)'
        : 'The regularised cost J(Θ) the optimiser minimised, after each iteration (left axis)') +
        (tracked.length ? `, and the accuracy on ${tracked.join(' and ')} (right axis).` : '.'),
      '',
      `![cost per iteration](${relative(dir, files.costCurve)})`,
      '',
    );
  }
  if (files.hiddenLayer) {
    md.push('## Hidden layer', '');
    md.push(
      `Each square is one of the ${model.layers[1]} hidden units of the first layer: its weights Θ1[j, 1:] drawn as ` +
        `the ${model.inputShape!.width}x${model.inputShape!.height} input picture, scaled to the unit's own ` +
        'range — dark pixels are large weights (the seed’s `gray_r`), light pixels small or negative ones.',
      '',
      `![hidden layer](${relative(dir, files.hiddenLayer)})`,
      '',
    );
  }
  if (evaluation) {
    md.push(`## Confusion matrix: ${evaluation.set} (${evaluation.m} examples)`, '');
    md.push(
      `Accuracy ${percent(evaluation.accuracy)}, cost J(Θ) ${evaluation.cost.toPrecision(6)} (λ = ${evaluation.lambda}). ` +
        'Rows are the true classes, columns the predicted ones.',
      '',
    );
    md.push(markdownTable(confusionCells(evaluation.confusion, model.labelNames)), '');
    md.push(markdownTable(classCells(evaluation.classes, model.labelNames)), '');
  }
  md.push('## Files', '');
  if (files.model) md.push(`- \`${relative(dir, files.model)}\` — the trained model (load with \`backprop evaluate --model …\`)`);
  if (input.modelPath) md.push(`- also saved as \`${input.modelPath}\``);
  if (files.costCurve) md.push(`- \`${relative(dir, files.costCurve)}\` — cost curve`);
  if (files.hiddenLayer) md.push(`- \`${relative(dir, files.hiddenLayer)}\` — hidden-layer picture`);
  md.push('');
  // Listed after the attempts above, so the report says what is missing and why.
  if (files.problems.length > 0) {
    md.push('## Not written', '');
    for (const p of files.problems) md.push(`- ${p}`);
    md.push('');
  }
  const reportFile = join(dir, 'report.md');
  if (attempt('report.md', () => writeFileAtomic(reportFile, md.join('\n')))) files.report = reportFile;
  return files;
}

/** The report's final-cost row, named for what it is (for adam/sgd the mean minibatch cost of the last epoch). */
function finalCost(method: string, cost: number, keptEpoch?: number): [string, string] {
  const label = finalCostLabel(method, keptEpoch);
  return label.note ? [`final ${label.name} (${label.note})`, cost.toPrecision(6)] : [`final ${label.name}`, cost.toPrecision(6)];
}
