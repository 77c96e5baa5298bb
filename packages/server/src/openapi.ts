import { DTYPES } from '@backprop/nn';
import { PROBLEM_TYPE_PREFIX, PROBLEMS } from './problem.js';

// The OpenAPI 3.1 description of the server, written by hand next to the route table (routes/index.ts); a test
// checks that every route the app registers appears here with the same methods.

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** A response whose body is the named schema, as `type` (default application/json). */
const json = (description: string, ref: string, type = 'application/json') => ({ description, content: { [type]: { schema: schema(ref) } } });
const problem = (description: string) => json(description, 'Problem', 'application/problem+json');
/** A response of the given media type with no schema. */
const typed = (description: string, type: string) => ({ description, content: { [type]: {} } });
/** An admin operation: bearer token, the admin tag, and the token problems among its responses. */
const admin = (summary: string, operationId: string, responses: Record<string, unknown>) => ({
  summary,
  operationId,
  tags: ['admin'],
  security: [{ bearer: [] }],
  responses: {
    ...responses,
    '401': problem('No bearer token'),
    '403': problem('Wrong bearer token, or admin routes disabled (no BACKPROP_ADMIN_TOKEN)'),
  },
});

/** A GET operation: what it is, its id, its tag, its responses and any other fields (parameters). */
const get = (summary: string, operationId: string, tag: string, responses: Record<string, unknown>, more = {}) => ({
  get: { summary, operationId, tags: [tag], ...more, responses },
});

const nameParameter = {
  name: 'name',
  in: 'path',
  required: true,
  description: "Model name: 1-64 of letters, digits, '.', '_' and '-', starting with a letter or digit, no '..'. " +
    '`default` names the default model.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
};

const predictOperation = (summary: string, operationId: string) => ({
  summary,
  operationId,
  tags: ['predict'],
  requestBody: {
    required: true,
    content: { 'application/json': { schema: schema('PredictRequest') } },
  },
  responses: {
    '200': json('One prediction per input, in order', 'PredictResponse'),
    '400': problem('Invalid JSON, wrong number of values, a value that is not a finite number, unknown fields'),
    '404': problem('No such model'),
    '413': problem('Body larger than the body limit, or more inputs than the batch limit'),
    '415': problem('Body is not application/json'),
    '503': problem(
      'The model is still being prepared (first start trains the default model), or too many large bodies are in flight (server-busy: retry after Retry-After seconds)',
    ),
  },
});

export const openapiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'backprop inference server',
    version: '0.1.0',
    description:
      'Predicts with back-propagation networks trained by @backprop/nn (digits: 20x20 images, column-major). ' +
      'Each answer names the classes in the model\'s order with their probabilities (summing to 1) and raw output ' +
      'units (`scores`); a digit model\'s classes are "1".."9", "0". Errors are RFC 9457 problem details (application/problem+json) whose `type` is ' +
      `\`${PROBLEM_TYPE_PREFIX}<slug>\`; the slugs are listed in components.schemas.Problem.`,
  },
  servers: [{ url: '/' }],
  tags: [
    { name: 'predict', description: 'Inference' },
    { name: 'models', description: 'Loaded models' },
    { name: 'admin', description: 'Model management (bearer token; disabled without BACKPROP_ADMIN_TOKEN)' },
    { name: 'operations', description: 'Health, readiness, metrics' },
    { name: 'page', description: 'The draw-a-digit page' },
  ],
  paths: {
    '/': get('The draw-a-digit page', 'page', 'page', { '200': typed('HTML page', 'text/html') }),
    '/assets/preprocess.js': get("The browser build of @backprop/nn's image preprocessing (ES module)", 'preprocessModule', 'page', {
      '200': typed('JavaScript module', 'text/javascript'),
    }),
    '/static/{file}': get(
      "The page's script and stylesheet",
      'staticFile',
      'page',
      { '200': { description: 'File' }, '404': problem('No such file') },
      { parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }] },
    ),
    '/openapi.json': get('This document', 'openapi', 'operations', { '200': typed('OpenAPI 3.1 document', 'application/json') }),
    '/healthz': get('Liveness: the process is up', 'healthz', 'operations', { '200': json('Up', 'Health') }),
    '/readyz': get('Readiness: at least one model is loaded', 'readyz', 'operations', {
      '200': json('Ready', 'Ready'),
      '503': problem('No model loaded yet'),
    }),
    '/metrics': get('Prometheus metrics', 'metrics', 'operations', { '200': typed('Prometheus text format', 'text/plain') }),
    '/v1/predict': { post: predictOperation('Predict with the default model', 'predictDefault') },
    '/v1/models': get('List loaded models', 'listModels', 'models', {
      '200': json('Loaded models and the default', 'ModelList'),
      '304': { description: 'Not modified (a weak ETag of the list without loadedAt: the same on every replica serving the same models)' },
    }),
    '/v1/models/{name}': {
      parameters: [nameParameter],
      ...get('Describe a model: layer sizes, accuracy, checksum, training summary (no history)', 'getModel', 'models', {
        '200': json('The model', 'ModelDescription'),
        '304': { description: 'Not modified (a weak ETag of the description without loadedAt: the same on every replica serving the same model)' },
        '400': problem('Invalid model name'),
        '404': problem('No such model'),
        '503': problem('The model is still being prepared'),
      }),
      put: {
        ...admin('Upload (create or replace) a model; validated and persisted before it is swapped in', 'putModel', {
          '200': json('Replaced', 'ModelDescription'),
          '201': json('Created', 'ModelDescription'),
          '400': problem('Invalid JSON or model name'),
          '413': problem('Body larger than the body limit'),
          '415': problem('Body is not application/json'),
          '422': problem('Not a valid model document; the old model keeps serving'),
          '503': problem('Too many large bodies in flight (server-busy: retry after Retry-After seconds), or the model store cannot be written (nothing was stored); the old model keeps serving'),
          '504': problem('The shared store answered neither the write nor its read-back: whether it was stored is unknown'),
        }),
        requestBody: {
          required: true,
          description: 'A model document as written by saveModel / `backprop train --out`',
          content: { 'application/json': { schema: schema('ModelDocument') } },
        },
      },
      delete: admin('Unload a model (and delete its file in the model directory)', 'deleteModel', {
        '204': { description: 'Deleted' },
        '400': problem('Invalid model name'),
        '404': problem('No such model'),
      }),
    },
    '/v1/models/{name}/predict': {
      parameters: [nameParameter],
      post: predictOperation('Predict with a named model', 'predict'),
    },
    '/v1/models/{name}/hidden.png': {
      parameters: [nameParameter],
      ...get("Picture of the first hidden layer's input weights, one tile per unit", 'hiddenPng', 'models', {
        '200': typed('PNG image', 'image/png'),
        '304': { description: 'Not modified (the ETag covers the whole model: weights, layers, activations, dtype, class names, input shape)' },
        '404': problem('No such model, or no picture for it (no hidden layer, or no inputShape)'),
      }),
    },
    '/v1/models/{name}/reload': {
      parameters: [nameParameter],
      post: admin('Re-read a model from its file or the shared store; a bad one leaves the old model serving', 'reloadModel', {
        '200': json('Reloaded', 'ModelDescription'),
        '400': problem('Invalid model name'),
        '404': problem('No such model (or no longer in the shared store: it was unloaded)'),
        '409': problem('The model has no file (uploaded without a model directory)'),
        '422': problem('The file or stored document is not a valid model, or is over the upload limit; the old model keeps serving'),
        '503': problem('The shared store cannot be read; the old model keeps serving'),
      }),
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'BACKPROP_ADMIN_TOKEN' } },
    schemas: {
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string', enum: Object.keys(PROBLEMS).map((slug) => PROBLEM_TYPE_PREFIX + slug) },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string', description: 'What was wrong: the field, the expected and the received' },
          instance: { type: 'string', description: 'The request path' },
          requestId: { description: 'The request id in the server log' },
          limit: { type: 'number', description: 'The limit exceeded (413 problems)' },
        },
      },
      PredictRequest: {
        oneOf: [
          {
            type: 'object',
            title: 'One input',
            required: ['pixels'],
            additionalProperties: false,
            properties: {
              pixels: {
                type: 'array',
                items: { type: 'number' },
                description: 'n finite numbers (n = input layer size; 400 = 20x20 column-major for digits)',
              },
            },
          },
          {
            type: 'object',
            title: 'A batch',
            required: ['inputs'],
            additionalProperties: false,
            properties: {
              inputs: {
                type: 'array',
                minItems: 1,
                description: 'Up to the batch limit (default 10,000) rows of n finite numbers',
                items: { type: 'array', items: { type: 'number' } },
              },
            },
          },
        ],
      },
      Prediction: {
        type: 'object',
        required: ['label', 'probabilities', 'scores'],
        properties: {
          label: { type: 'string', description: 'The predicted class: the name of the largest output (for digits "0".."9")' },
          probabilities: {
            type: 'array',
            items: { type: 'number' },
            description:
              'Class probabilities in `classes` order, summing to 1: the output activations divided by their sum ' +
              '(the network has K independent sigmoid outputs, not a softmax)',
          },
          scores: {
            type: 'array',
            items: { type: 'number' },
            description: 'Raw output activations h_1..h_K in `classes` order (independent sigmoids; need not sum to 1)',
          },
        },
      },
      PredictResponse: {
        type: 'object',
        required: ['model', 'checksum', 'classes', 'predictions'],
        properties: {
          model: { type: 'string' },
          checksum: { type: 'string', description: 'sha256 of the weights that answered' },
          classes: {
            type: 'array',
            items: { type: 'string' },
            description: "The model's class names (its labelNames, label 1 first; digits: \"1\"..\"9\", \"0\"): the order of every prediction's arrays",
          },
          predictions: { type: 'array', items: schema('Prediction') },
        },
      },
      ModelDescription: {
        type: 'object',
        required: ['name', 'default', 'layers', 'parameters', 'labelNames', 'checksum', 'source', 'loadedAt', 'accuracy'],
        properties: {
          name: { type: 'string' },
          default: { type: 'boolean' },
          layers: { type: 'array', items: { type: 'integer' }, description: 'Units per layer, input first' },
          activations: {
            type: 'object',
            description: "Each hidden layer's activation, the output's (softmax: probabilities are the outputs) and leaky_relu's slope",
            properties: {
              hidden: { type: 'array', items: { enum: ['sigmoid', 'tanh', 'relu', 'leaky_relu'] } },
              output: { enum: ['sigmoid', 'softmax'] },
              leakySlope: { type: 'number' },
            },
          },
          dtype: {
            enum: [...DTYPES],
            description: 'What the network computes in: float32 models predict in float32 (their weights are float32 values)',
          },
          architecture: { type: 'string', description: 'The network in full, e.g. 784-256(relu)-10(softmax), followed by float32 for a float32 model' },
          parameters: { type: 'integer' },
          labelNames: { type: 'array', items: { type: 'string' } },
          inputShape: {
            type: ['object', 'null'],
            properties: {
              width: { type: 'integer' },
              height: { type: 'integer' },
              order: { enum: ['column-major', 'row-major'] },
            },
          },
          checksum: { type: 'string' },
          source: { enum: ['file', 'upload', 'trained'] },
          loadedAt: { type: 'string', format: 'date-time' },
          createdAt: { type: ['string', 'null'] },
          accuracy: {
            type: 'object',
            properties: {
              train: { type: ['number', 'null'] },
              validation: { type: ['number', 'null'] },
              test: { type: ['number', 'null'] },
            },
          },
          training: {
            type: ['object', 'null'],
            description: 'How the model was trained (method, lambda, options, dataset, iterations, cost, ...); historyLength replaces the history',
          },
        },
      },
      ModelList: {
        type: 'object',
        required: ['default', 'models'],
        properties: {
          default: { type: ['string', 'null'] },
          models: { type: 'array', items: schema('ModelDescription') },
        },
      },
      ModelDocument: {
        type: 'object',
        required: ['format', 'version', 'layers', 'theta'],
        properties: {
          format: { const: 'backprop-model' },
          version: { enum: [1, 2] },
          layers: { type: 'array', items: { type: 'integer' } },
          activations: { type: 'object', description: 'version 2: { hidden, output, leakySlope }' },
          dtype: { enum: [...DTYPES], description: 'version 2: float32 models hold float32 values in theta' },
          theta: { type: 'array', items: { type: 'number' } },
          labelNames: { type: 'array', items: { type: 'string' } },
          inputShape: { type: 'object' },
          checksum: { type: 'string' },
          training: { type: 'object' },
        },
      },
      Health: { type: 'object', properties: { status: { const: 'ok' } } },
      Ready: {
        type: 'object',
        properties: { status: { const: 'ready' }, models: { type: 'integer' }, default: { type: ['string', 'null'] } },
      },
    },
  },
} as const;
