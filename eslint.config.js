import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layer rules (see docs/architecture.md): commands talk to the core only; the core never prints,
 * exits, shells out or reads the environment (except src/core/environ.ts, each run's variables); providers never print.
 * Import cycles are refused by dependency-cruiser (.dependency-cruiser.cjs), run by `npm run lint`.
 */
const SDKS = ['@aws-sdk/*', '@smithy/*', '@kubernetes/client-node'];
const SHELL = ['node:child_process', 'child_process', 'execa'];
const OUTPUT = ['chalk', 'ora', 'cli-table3'];
const restrict = (groups, message) => ({ group: groups, message });
const noPrint = [
  { object: 'process', property: 'stdout', message: 'Only the CLI writes to the terminal: emit an event or return a value.' },
  { object: 'process', property: 'stderr', message: 'Only the CLI writes to the terminal: emit an event or return a value.' },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', 'coverage/', '.fragctl/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Type-aware rules (they need the TypeScript program): src and bin only, to keep lint quick. One
    // program from tsconfig.json: about 30% less CPU for `eslint .` than the project service here.
    files: ['src/**/*.ts', 'bin/**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['src/cli/commands/**/*.ts', 'src/cli/verbs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/providers/**'], 'Commands call the core; providers are reached through it.'),
            restrict(SDKS, 'Commands call the core; SDK clients live under src/providers.'),
            restrict(SHELL, 'Commands call the core; child processes live under src/providers/shell.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/cli/**'], 'The core knows nothing of the CLI: emit events through ctx.io.'),
            restrict(OUTPUT, 'The core never prints: emit events; the CLI draws them.'),
            restrict(SHELL, 'Child processes live under src/providers/shell.'),
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'The core throws typed errors; only the CLI exits.' },
        {
          object: 'process',
          property: 'env',
          message: 'Environment variables are read through src/core/environ.ts (per run) and named in src/core/settings.ts.',
        },
        ...noPrint,
      ],
    },
  },
  {
    files: ['src/core/environ.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'The core throws typed errors; only the CLI exits.' },
        ...noPrint,
      ],
    },
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            restrict(['**/cli/**'], 'Providers know nothing of the CLI.'),
            restrict(OUTPUT, 'Providers never print: return values or take callbacks.'),
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Providers throw; only the CLI exits.' },
        ...noPrint,
      ],
    },
  },
  {
    // One way to dispatch by platform: ask the platform object (platformOf(env), src/core/platforms)
    // instead of comparing env.platform. The env file's own schema and rules (src/core/config) may compare.
    files: ['src/**/*.ts', 'bin/**/*.ts'],
    ignores: ['src/core/platforms/**', 'src/core/config/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          "BinaryExpression[operator=/^[!=]==?$/] > MemberExpression[property.name='platform']",
          "BinaryExpression[operator=/^[!=]==?$/] > ChainExpression > MemberExpression[property.name='platform']",
          "SwitchStatement > MemberExpression.discriminant[property.name='platform']",
        ].map((selector) => ({
          selector,
          message:
            'Dispatch by platform through platformOf(env) in src/core/platforms (what differs is a PlatformOps member), not by comparing .platform.',
        })),
      ],
    },
  },
  {
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', fetch: 'readonly' } },
  },
);
