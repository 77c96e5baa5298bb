import { describeNetwork } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadDataFor } from '../dataset.js';
import { defaultDataForWeights, loadModelFile, MAT_DEFAULT_DATA, MODEL_HELP } from '../weights.js';
import { evaluate } from '../evaluation.js';
import { percent, table } from '../output.js';
import * as parse from '../parse.js';
import { classCells, confusionCells } from '../tables.js';
import { count } from '../plural.js';

interface EvaluateFlags extends CommonOptions {
  model: string;
  data?: string;
  lambda?: string;
  backend: string;
}

export function evaluateCommand() {
  return defineCommand<EvaluateFlags>(
    'evaluate',
    {
      summary: 'accuracy, cost, per-class precision/recall, confusion matrix',
      description:
        'Score a trained model on a data set: accuracy, cost J(Θ), per-class precision and recall, confusion matrix.',
    },
    (cmd) =>
      cmd
        .requiredOption('--model <file>', MODEL_HELP)
        .option('--data <spec>', `data to score on (default: the built-in set the model was trained on; ${MAT_DEFAULT_DATA} for .mat weights): ${DATA_HELP}`)
        .option('--lambda <λ>', 'λ for the cost (default: the λ the model was trained with, else 0)')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .addHelpText('after', examples(['backprop evaluate --model model.json', 'backprop evaluate --model model.json --data builtin:mnist-test --json'])),
    (flags, out) => {
      const model = loadModelFile(flags.model);
      const lambda = flags.lambda !== undefined ? parse.number('--lambda', flags.lambda, { min: 0 }) : (model.training?.lambda ?? 0);
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const ds = loadDataFor(model, flags, { untrained: defaultDataForWeights(flags.model) });
      const e = evaluate(model, ds, { lambda, backend });
      const names = model.labelNames;

      const architecture = describeNetwork(model.layers, model.activations, model.dtype);
      out.say(`model ${architecture} on ${ds.name} (${count(e.m, 'example')})`);
      out.say(`  accuracy   ${percent(e.accuracy)}`);
      const lambdaSource = flags.lambda !== undefined ? '' : model.training ? ', from the model' : ', the default: the model records none';
      out.say(`  cost J(Θ)  ${e.cost.toPrecision(6)} (λ = ${lambda}${lambdaSource})`);
      out.say('');
      const classes = classCells(e.classes, names);
      for (const line of table(classes.header, classes.rows)) out.say(`  ${line}`);
      out.say('');
      out.say('confusion matrix (rows: actual class, columns: predicted class)');
      const cm = confusionCells(e.confusion, names);
      for (const line of table(cm.header, cm.rows)) out.say(`  ${line}`);

      out.result({
        model: flags.model,
        architecture,
        data: ds.name,
        m: e.m,
        accuracy: e.accuracy,
        cost: e.cost,
        lambda,
        classes: e.classes.map((c) => ({ label: c.label, name: names[c.label - 1], precision: c.precision, recall: c.recall, support: c.support })),
        confusion: { labels: names, counts: e.confusion.counts },
      });
    },
  );
}
