// @backprop/server — the REST inference server. createApp builds the Express app (never listens); startServer
// loads models, listens and returns a handle whose close() drains in-flight requests.
export { createApp, DEFAULT_MAX_BATCH_ROWS, type AppOptions } from './app.js';
export { DEFAULT_MODEL_BODY_LIMIT, predictBodyLimit } from './body-limits.js';
export { startServer, type StartServerOptions, type RunningServer, type ServerTimeouts } from './server.js';
export { LOG_FORMATS, prettyLine, resolveLogFormat, serverLogger, type LogFormat } from './log-format.js';
export { exitCodeOnSignal, warnAboutAdminToken, MIN_ADMIN_TOKEN_LENGTH } from './shutdown.js';
export {
  ModelRegistry,
  ModelNotFoundError,
  ModelNotReadyError,
  ModelNotReloadableError,
  ModelStorageError,
  type ModelEntry,
  type ModelSource,
  type RegistryOptions,
  type LoadFailure,
} from './registry.js';
export { InvalidModelNameError, checkModelName } from './model-name.js';
export { ensureDefaultModel, trainDefaultModel, defaultCacheDir, DEFAULT_MODEL_FILE } from './default-model.js';
export { HttpProblem, PROBLEMS, PROBLEM_TYPE_PREFIX, type ProblemDetails, type ProblemSlug } from './problem.js';
export { openapiDocument } from './openapi.js';
export { checkHost, readConfig, resolveHost, USAGE, type ServerConfig } from './config.js';
