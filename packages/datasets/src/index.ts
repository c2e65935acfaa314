// Public API of @runge/datasets.
export {};
