"""Writes of the courses app: lessons, plans and their workflow, scheduling, calendar feeds."""
