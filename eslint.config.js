// Lint: typescript-eslint's recommended rules plus two rules of our design. Layering: shared/
// imports neither side, and client/ and server/ never import each other. Capabilities: what a
// role may do is asked of the one table (shared/capabilities.ts), never spelled as a role name.
import tseslint from 'typescript-eslint';

const noImport = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

const ROLE_LITERAL = '/^(interviewer|candidate|observer)$/';
const roleComparisons = ['left', 'right'].map((side) => ({
  selector: `BinaryExpression[operator=/^[!=]==?$/] > Literal.${side}[value=${ROLE_LITERAL}]`,
  message: "Ask can(role, '<capability>') from shared/capabilities.ts instead of comparing a role with a string.",
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'bench-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['client/**'],
    rules: {
      ...noImport(['**/server/**', 'node:*'], 'client/ must not import server/ or Node built-ins; share through shared/.'),
      // What a role may do lives in one table (shared/capabilities.ts); a string comparison here
      // would let the client drift from what the server enforces.
      'no-restricted-syntax': ['error', ...roleComparisons],
    },
  },
  {
    files: ['server/**'],
    rules: noImport(['**/client/**'], 'server/ must not import client/; share through shared/.'),
  },
  {
    // Routes name a capability (requireCapability); a role list would bypass the one table.
    files: ['server/http/**'],
    ignores: ['server/http/auth.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='requireRole']", message: "Guard the route with requireCapability(store, '<capability>') from shared/capabilities.ts." },
      ],
    },
  },
  {
    files: ['shared/**'],
    rules: noImport(['**/client/**', '**/server/**', 'node:*'], 'shared/ has no Node or DOM dependencies and imports neither side.'),
  },
);
