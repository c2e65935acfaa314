import { runPackageTests } from '../../vitest.shared.js';

export default runPackageTests();
