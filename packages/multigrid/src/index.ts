// Public API of @runge/multigrid.
export {};
