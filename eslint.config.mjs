// The project's linter: a small rule set that keeps the style without anyone remembering it, and the package
// layering (core-native < nn < queue < server < cli < bench: no package imports one above it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const above = {
  'core-native': ['@backprop/nn', '@backprop/server', '@backprop/cli', '@backprop/bench', '@backprop/queue'],
  nn: ['@backprop/server', '@backprop/cli', '@backprop/bench', '@backprop/queue'],
  queue: ['@backprop/server', '@backprop/cli', '@backprop/bench'],
  server: ['@backprop/cli', '@backprop/bench'],
  cli: ['@backprop/bench'],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/build/**', '**/node_modules/**', '**/.stryker-tmp/**', '**/reports/**'] },
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/lib/**/*.ts', 'packages/*/test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      'no-new-func': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      eqeqeq: ['error', 'smart'],
      'prefer-const': 'error',
      'no-var': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['packages/*/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }, // tests read JSON replies field by field
  },
  {
    files: ['packages/cli/src/terminal.ts'],
    rules: { 'no-control-regex': 'off' }, // its job is to find control characters
  },
  ...Object.entries(above).map(([pkg, forbidden]) => ({
    files: [`packages/${pkg}/src/**/*.ts`, `packages/${pkg}/lib/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((name) => ({ group: [name, `${name}/*`], message: `${pkg} sits below ${name}: it must not import it.` })) }],
    },
  })),
);
