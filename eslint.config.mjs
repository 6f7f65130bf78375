import nx from '@nx/eslint-plugin';

// Module boundaries (DESIGN.md "Layout"): enforced, not merely declared.
//   type:domain  pure deciders: may import only shared pure libs (contracts, reference-data)
//   type:shared  pure shared code: contracts and reference data
//   type:infra   I/O libraries (event-sourcing)
//   type:testing test harness: only test files and other testing code may use it
//   type:app     NestJS apps and the CLI
//   scope:X      an app or lib of context X may not import another context's domain
function boundaries(testFile) {
  // Test files may also use the testing harness (type:testing); production code never.
  const t = testFile ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: false,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: [
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:shared', ...t] },
      { sourceTag: 'type:shared', onlyDependOnLibsWithTags: ['type:shared', ...t] },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:shared', 'type:infra', ...t] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:shared', 'type:infra', 'type:testing'] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:shared', 'type:infra', 'type:domain', ...t] },
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:shared', 'scope:identity'] },
      { sourceTag: 'scope:residence', onlyDependOnLibsWithTags: ['scope:shared', 'scope:residence'] },
      { sourceTag: 'scope:lodging', onlyDependOnLibsWithTags: ['scope:shared', 'scope:lodging'] },
      { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:shared', 'scope:platform'] },
      // The operator CLI replays, verifies and seeds every context's store and read model.
      { sourceTag: 'scope:ops', onlyDependOnLibsWithTags: ['scope:shared', 'scope:identity', 'scope:residence', 'scope:lodging'] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '.data', '.cache', 'bench/results'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Domain libs are pure: no framework, no I/O, no ambient clock.
    files: ['libs/*/domain/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'fs', 'node:fs', 'net', 'node:net', 'http', 'node:http', '@d06/event-sourcing', '@d06/testing'], message: 'Domain libs are pure: no framework or I/O imports.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The clock is injected: take `now` from the command.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The clock is injected: take `now` from the command.' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'No process.env in domain code.' },
      ],
    },
  },
  {
    // Test files may use the testing harness; production code may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/src/testing/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(true)],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
