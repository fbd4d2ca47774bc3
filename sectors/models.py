"""Models of the sectors app."""
