// ESLint: type-checked rules from typescript-eslint over src/, test/, scripts/ and bench/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/', 'out/', '.scratch/', '.tools/', 'coverage/', 'test/golden/**/input/', 'test/golden/**/expected/', 'src/generated/'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['bench/*.mjs', 'scripts/*.mjs', 'test/conformance/*.mjs', 'test/helpers/*.mjs', 'eslint.config.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The process is touched only in src/bin.ts (house style rule 1).
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/bin.ts touches the process; take it from CliIo.' }],
      'no-console': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Encoders must name the control characters they escape or refuse.
      'no-control-regex': 'off',
    },
  },
  {
    // Only the secret-aware emitters read a secret's value.
    files: ['src/**'],
    ignores: [
      'src/emit/secrets.ts',
      'src/emit/compose-env.ts',
      'src/emit/compose-nats.ts',
      'src/secrets/evaluate.ts',
      'src/secrets/secret-value.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/reveal.js', './reveal.js'],
              message: 'Only the Secret, compose env file and nats.conf emitters may reveal a secret.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/bin.ts', 'scripts/**', 'bench/**', 'test/**', 'vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-globals': 'off', 'no-console': 'off' },
  },
  { files: ['scripts/**', 'bench/**', 'test/**/*.mjs', 'eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['scripts/**', 'bench/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', structuredClone: 'readonly' } },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
