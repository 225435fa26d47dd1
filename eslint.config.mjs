import nx from '@nx/eslint-plugin';

/** Test code: spec files and everything in a project's test/ folder. */
const TEST_FILES = ['**/*.spec.ts', '**/test/**/*.ts'];

/** Allowed imports between projects, by tag; `extra` is added to every project's list. */
function moduleBoundaries(extra) {
  return {
    enforceBuildableLibDependency: true,
    allow: [],
    depConstraints: [
      { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [...extra] },
      { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:contracts', ...extra] },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:core', 'scope:contracts', ...extra] },
      // The test helpers import nothing of ours (queue-core's tests use them too).
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [] },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/test-output', '**/*.cjs', '**/test/fixtures/consumer/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      // The import direction of the product: apps -> queue-core -> job-defs.
      // `type:testing` (libs/testing, test helpers) is left out here: only tests import it (below).
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries([])],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests (spec files and test folders) may also import the shared test helpers.
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries(['type:testing'])],
      // Tests assert on values they just wrote; a non-null assertion there is the point.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
