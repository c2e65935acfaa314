// Public API of @runge/losses.
export {};
