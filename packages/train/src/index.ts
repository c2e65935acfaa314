// Public API of @runge/train.
export {};
