import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { costCurveSvg, hiddenLayerPng, saveModel, writeFileAtomic, type Model } from '@backprop/nn';
import type { Evaluation } from './evaluation.js';
import { duration, percent } from './output.js';
import { classCells, confusionCells, markdownTable } from './tables.js';

export interface ReportInput {
  model: Model;
  /** What was asked for, in the user's words (option → value), shown as the settings table. */
  settings: Record<string, string | number | undefined>;
  /** The confusion matrix and per-class figures come from this evaluation (test set, else validation, else training). */
  evaluation: Evaluation;
  command: string;
  /** Where the model was also saved with --out, if elsewhere. */
  modelPath?: string;
}

export interface ReportFiles {
  dir: string;
  report: string;
  model: string;
  costCurve?: string;
  hiddenLayer?: string;
}

/**
 * A training report in `dir`: model.json, cost.svg (cost per iteration, with accuracy when tracked), hidden.png
 * (the seed's hidden-layer picture, when the inputs are pictures) and report.md tying them together with the
 * settings, the results and the confusion matrix.
 */
export function writeReport(dir: string, input: ReportInput): ReportFiles {
  mkdirSync(dir, { recursive: true });
  const { model, evaluation } = input;
  const t = model.training;
  const files: ReportFiles = { dir, report: join(dir, 'report.md'), model: join(dir, 'model.json') };
  saveModel(files.model, model);
  const history = t?.history ?? [];
  if (history.length > 0) {
    files.costCurve = join(dir, 'cost.svg');
    const title = `${t?.dataset.name ?? 'data'} · ${model.layers.join('-')} · ${t?.method ?? ''} · λ = ${t?.lambda ?? '?'}`;
    writeFileAtomic(files.costCurve, costCurveSvg(history, { title }));
  }
  if (model.inputShape) {
    files.hiddenLayer = join(dir, 'hidden.png');
    writeFileSync(files.hiddenLayer, hiddenLayerPng(model));
  }

  const md: string[] = [];
  md.push(`# Training report: ${t?.dataset.name ?? 'model'} ${model.layers.join('-')}`, '');
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
      ['final cost J(Θ)', t.cost.toPrecision(6)],
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
      'The regularised cost J(Θ) the optimiser minimised, after each iteration (left axis)' +
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
  md.push(`## Confusion matrix: ${evaluation.set} (${evaluation.m} examples)`, '');
  md.push(
    `Accuracy ${percent(evaluation.accuracy)}, cost J(Θ) ${evaluation.cost.toPrecision(6)} (λ = ${evaluation.lambda}). ` +
      'Rows are the true classes, columns the predicted ones.',
    '',
  );
  md.push(markdownTable(confusionCells(evaluation.confusion, model.labelNames)), '');
  md.push(markdownTable(classCells(evaluation.classes, model.labelNames)), '');
  md.push('## Files', '');
  md.push(`- \`${relative(dir, files.model)}\` — the trained model (load with \`backprop evaluate --model …\`)`);
  if (input.modelPath) md.push(`- also saved as \`${input.modelPath}\``);
  if (files.costCurve) md.push(`- \`${relative(dir, files.costCurve)}\` — cost curve`);
  if (files.hiddenLayer) md.push(`- \`${relative(dir, files.hiddenLayer)}\` — hidden-layer picture`);
  md.push('');
  writeFileAtomic(files.report, md.join('\n'));
  return files;
}
