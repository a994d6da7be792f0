"""Pure geometry: projection, distances, scenes, fidelity, axes, inside a vector, toy vs real."""
