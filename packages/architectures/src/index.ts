// Public API of @runge/architectures.
export {};
