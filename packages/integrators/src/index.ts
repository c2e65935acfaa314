// Public API of @runge/integrators.
export {};
