import { runPackageTests } from '../../vitest.shared.js';

// One test file at a time: the site check and the live page's training each drive Chromium, and
// side by side on two cores a page could be read before it had rendered.
export default runPackageTests({ fileParallelism: false });
