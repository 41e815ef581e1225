//! Pure booking domain: decide/evolve per aggregate (being written).
