"""Models of the caseload app."""
