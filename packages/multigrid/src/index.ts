// Public API of @runge/multigrid.
export { galerkinCoarsen, galerkinOperatorMatrix, galerkinRefine } from './galerkin.js';
export { type RediscretizeOptions, rediscretize } from './rediscretize.js';
