/** Where the repository is, for test code (compiled to dist/test/support/). */
export { REPO_ROOT } from '../../src/repo-root.js';
